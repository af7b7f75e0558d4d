/**
 * The `mcp.servers` key: a map from a server name to how to reach it, either a command kodelet
 * starts and talks to over stdio, or a Streamable HTTP URL. Parsing checks the shape (and names the
 * server and the key of a bad entry); expansion fills in `${VAR}` from the environment afterwards,
 * so that tokens can stay out of config files.
 */
import { ValueError } from "./values.ts";

/** What every server entry has. */
interface McpServerBase {
  name: string;
  /** `enabled: false` keeps a server in the file without starting it. */
  enabled: boolean;
  /** Variables named as `${VAR}` that were not set; such a server cannot start and says why. */
  missing: string[];
}

/** A server kodelet starts as a child process and talks to over stdin/stdout. */
export interface McpStdioServer extends McpServerBase {
  transport: "stdio";
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string | undefined;
}

/** A server reached over Streamable HTTP (with the SDK's SSE transport as the fallback). */
export interface McpHttpServer extends McpServerBase {
  transport: "http";
  url: string;
  headers: Record<string, string>;
}

/** One configured MCP server. */
export type McpServerConfig = McpStdioServer | McpHttpServer;

/** Names end up inside tool names (`mcp__<server>__<tool>`), which the LLM APIs limit to [A-Za-z0-9_-]. */
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const STDIO_KEYS = ["command", "args", "env", "cwd", "enabled"];
const HTTP_KEYS = ["url", "headers", "enabled"];

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function scalar(value: unknown, path: string, what: string, secret = false): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new ValueError(`must be ${what}`, { path, value, secret });
}

function stringMap(value: unknown, path: string, secret = false): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw new ValueError("must be a map of names to strings", { path, value, secret });
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = scalar(item, `${path}.${key}`, "a string", secret);
  }
  return result;
}

function parseEnabled(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "boolean") return value;
  throw new ValueError("must be true or false", { path, value });
}

function parseServer(name: string, entry: unknown): McpServerConfig {
  if (!SERVER_NAME.test(name) || name.includes("__")) {
    throw new ValueError(
      "must be a server name of letters, digits, _ and - (at most 32, no double underscore)",
      { path: name, value: name },
    );
  }
  if (!isMap(entry)) {
    throw new ValueError("must be a map with either command (stdio) or url (HTTP)", {
      path: name,
      value: entry,
    });
  }
  const hasCommand = entry.command !== undefined;
  const hasUrl = entry.url !== undefined;
  if (hasCommand === hasUrl) {
    throw new ValueError(
      hasCommand ? "must have either command or url, not both" : "must have command (stdio) or url (HTTP)",
      { path: name, value: entry },
    );
  }
  const allowed = hasCommand ? STDIO_KEYS : HTTP_KEYS;
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) {
      throw new ValueError(
        `is not a key of ${hasCommand ? "a stdio" : "an HTTP"} server (${allowed.join(", ")})`,
        {
          path: `${name}.${key}`,
          value: entry[key],
        },
      );
    }
  }
  const enabled = parseEnabled(entry.enabled, `${name}.enabled`);
  if (hasCommand) {
    const command = scalar(entry.command, `${name}.command`, "a command name or path").trim();
    if (command === "") {
      throw new ValueError("must not be empty", { path: `${name}.command`, value: command });
    }
    const rawArgs = entry.args ?? [];
    if (!Array.isArray(rawArgs)) {
      throw new ValueError("must be a list of strings", { path: `${name}.args`, value: rawArgs });
    }
    const args = rawArgs.map((arg, index) => scalar(arg, `${name}.args[${index}]`, "a string"));
    const cwd = entry.cwd === undefined || entry.cwd === null
      ? undefined
      : scalar(entry.cwd, `${name}.cwd`, "a directory");
    return {
      name,
      transport: "stdio",
      command,
      args,
      env: stringMap(entry.env, `${name}.env`, true),
      cwd,
      enabled,
      missing: [],
    };
  }
  const url = scalar(entry.url, `${name}.url`, "an http:// or https:// URL").trim();
  return {
    name,
    transport: "http",
    url,
    headers: stringMap(entry.headers, `${name}.headers`, true),
    enabled,
    missing: [],
  };
}

/** Parses `mcp.servers`; the `${VAR}` references stay as written until expandMcpServers. */
export function parseMcpServers(raw: unknown): McpServerConfig[] {
  if (raw === null || raw === undefined) return [];
  if (!isMap(raw)) throw new ValueError("must be a map from server names to server entries");
  return Object.entries(raw).map(([name, entry]) => parseServer(name, entry));
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` and `${VAR:-default}` with values from env; unset names go into missing. */
function expand(text: string, env: Record<string, string>, missing: Set<string>): string {
  return text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
    missing.add(name);
    return "";
  });
}

function expandMap(map: Record<string, string>, env: Record<string, string>, missing: Set<string>) {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, expand(value, env, missing)]));
}

/**
 * Fills `${VAR}` in command, args, env, cwd, url and headers from the environment and checks what can
 * only be checked then (the URL). An unset variable does not stop kodelet: that server fails to
 * start, naming the variable, so one missing token does not break every other command.
 */
export function expandMcpServers(servers: McpServerConfig[], env: Record<string, string>): McpServerConfig[] {
  return servers.map((server) => {
    const missing = new Set<string>();
    if (server.transport === "stdio") {
      const expanded: McpStdioServer = {
        ...server,
        command: expand(server.command, env, missing),
        args: server.args.map((arg) => expand(arg, env, missing)),
        env: expandMap(server.env, env, missing),
        cwd: server.cwd === undefined ? undefined : expand(server.cwd, env, missing),
      };
      return { ...expanded, missing: [...missing] };
    }
    const url = expand(server.url, env, missing);
    const headers = expandMap(server.headers, env, missing);
    if (missing.size === 0) checkUrl(url, server);
    return { ...server, url, headers, missing: [...missing] };
  });
}

function checkUrl(url: string, server: McpHttpServer): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    // The written form: an expanded URL may carry a token from the environment.
    throw new ValueError("must be an absolute http:// or https:// URL", {
      path: `${server.name}.url`,
      value: server.url,
    });
  }
}

/** Values to redact wherever content is recorded: credential-like headers, env values and URL parameters. */
export function mcpSecrets(servers: McpServerConfig[], credentialName: RegExp): string[] {
  const secrets: string[] = [];
  for (const server of servers) {
    const named = server.transport === "http"
      ? [...Object.entries(server.headers), ...safeSearchParams(server.url)]
      : Object.entries(server.env);
    for (const [name, value] of named) {
      if (!credentialName.test(name) || value.length < 6) continue;
      secrets.push(value);
      // "Bearer abc" is sent whole, but the bare token may show up elsewhere too.
      const bare = value.replace(/^(Basic|Bearer)\s+/i, "");
      if (bare !== value && bare.length >= 6) secrets.push(bare);
    }
  }
  return secrets;
}

function safeSearchParams(url: string): [string, string][] {
  try {
    return [...new URL(url).searchParams.entries()];
  } catch {
    return [];
  }
}
