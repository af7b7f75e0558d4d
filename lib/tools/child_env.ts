/**
 * The environment the bash tool's commands get. Whatever a command prints goes to the LLM and into
 * the saved conversation, so `env` must not hand them kodelet's API keys or the user's tokens:
 * kodelet's own credentials are always dropped, and variables whose names look like credentials
 * (or whose value is a URL with a password in it) are dropped unless tools.bash.env_passthrough
 * names them.
 */
import { KEYS, URL_WITH_PASSWORD } from "../config/mod.ts";

/** Env vars that carry kodelet's own credentials: the secret keys' variables and every OTLP header list. */
function isKodeletCredential(name: string): boolean {
  if (/^OTEL_EXPORTER_OTLP_(\w+_)?(HEADERS|CLIENT_KEY)$/.test(name)) return true;
  return KODELET_SECRET_VARS.has(name);
}

const KODELET_SECRET_VARS = new Set(
  KEYS.filter((spec) => spec.secret).flatMap((spec) => spec.env.map((source) => source.name)),
);

/**
 * Names that look like credentials. Not SSH_AUTH_SOCK or XAUTHORITY: those are sockets and paths
 * that git and X11 programs need, and they hold no secret themselves.
 */
const CREDENTIAL_NAME =
  /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH(?!ORITY|_SOCK)|COOKIE|SESSION_ID|^AWS_|PRIVATE/i;

/** Whether a variable is withheld from the bash tool's commands. */
export function isWithheld(name: string, value: string, passthrough: ReadonlySet<string>): boolean {
  if (isKodeletCredential(name)) return true;
  if (passthrough.has(name)) return false;
  return CREDENTIAL_NAME.test(name) || URL_WITH_PASSWORD.test(value);
}

/** The environment for the bash tool's commands: env without what isWithheld names. */
export function childEnvironment(
  env: Record<string, string>,
  passthrough: readonly string[],
): Record<string, string> {
  const allowed = new Set(passthrough);
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!isWithheld(name, value, allowed)) result[name] = value;
  }
  return result;
}
