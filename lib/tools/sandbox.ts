/**
 * The bash tool's sandbox (permissions.sandbox): each command runs under bubblewrap (`bwrap`) with
 * the whole filesystem read-only except the working directory and the system temp directory, and
 * without network unless permissions.sandbox_network allows it. When the sandbox is on but bwrap is
 * missing or cannot create its namespaces here, commands are refused, never run unsandboxed.
 */
import { delimiter, join } from "node:path";

/** How the bash tool's commands are confined, for one session. */
export interface SandboxSettings {
  enabled: boolean;
  /** Let commands in the sandbox use the network (no `--unshare-net`). */
  network: boolean;
  /** The system temp directory: writable inside the sandbox, like the working directory. */
  tmpDir: string;
}

/** What the bash tool runs: the program and its arguments, or why it may not run at all. */
export type SandboxPlan =
  | { kind: "bwrap" | "none"; program: string; args: string[] }
  | { kind: "unavailable"; reason: string };

/** How long the one probe run of bwrap may take (a loaded machine included). */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * bwrap's arguments before the command. Not `--new-session`: the child is already the leader of a
 * session of its own (bash.ts spawns it detached, i.e. setsid), so it has no controlling terminal a
 * TIOCSTI could write to; a second session would only take the command out of the process group
 * the bash tool sends SIGTERM to, and cost it the grace time to clean up. `--unshare-pid` makes the
 * end of the sandbox's first process take every process inside with it (a `setsid` escapee too). Not
 * `--die-with-parent`: bwrap itself dies of the group's SIGTERM at once, and that option would then
 * SIGKILL the command before its own TERM trap ran; the bash tool's SIGKILL after the grace time ends
 * whatever is left, as it does for a command outside the sandbox.
 */
export function bwrapArgs(options: { cwd: string; tmpDir: string; network: boolean }): string[] {
  return [
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--bind",
    options.tmpDir,
    options.tmpDir,
    "--bind",
    options.cwd,
    options.cwd,
    ...(options.network ? [] : ["--unshare-net"]),
    "--unshare-pid",
    "--chdir",
    options.cwd,
    "--",
  ];
}

/** The first executable file named `name` in a PATH value, or undefined. */
export async function findOnPath(name: string, path: string | undefined): Promise<string | undefined> {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      const stat = await Deno.stat(candidate);
      if (stat.isFile && ((stat.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // Not there: the next directory.
    }
  }
  return undefined;
}

/** The real path of a directory, or the path as given when it cannot be resolved. */
async function real(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return path;
  }
}

/** Runs bwrap once with `true` inside, to learn whether it can build a sandbox on this machine. */
async function probe(
  bwrap: string,
  args: string[],
  env: Record<string, string>,
): Promise<string | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
  try {
    const output = await new Deno.Command(bwrap, {
      args: [...args, "true"],
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: controller.signal,
    }).output();
    if (output.success) return undefined;
    const said = new TextDecoder().decode(output.stderr).trim().split("\n")[0] ?? "";
    return `${bwrap} cannot create a sandbox here (${said === "" ? `exit code ${output.code}` : said}); ` +
      "user namespaces may be turned off on this machine or in this container";
  } catch (error) {
    if (controller.signal.aborted) {
      return `${bwrap} did not start a sandbox within ${PROBE_TIMEOUT_MS / 1000} s`;
    }
    return `${bwrap} cannot run: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The sandbox of one session. The first bash call looks for bwrap on the commands' PATH and tries it
 * once; the answer holds for the session. When it cannot run, `onUnavailable` hears why once (the
 * command prints one warning line) and every bash call is refused with the reason.
 */
export class BashSandbox {
  readonly settings: SandboxSettings;
  readonly #onUnavailable: ((reason: string) => void) | undefined;
  #ready: Promise<{ bwrap: string } | { reason: string }> | undefined;

  constructor(settings: SandboxSettings, onUnavailable?: (reason: string) => void) {
    this.settings = settings;
    this.#onUnavailable = onUnavailable;
  }

  /** How to run `command` in `cwd` with `env` (the commands' filtered environment). */
  async plan(command: string, cwd: string, env: Record<string, string>): Promise<SandboxPlan> {
    if (!this.settings.enabled) return { kind: "none", program: "bash", args: ["-c", command] };
    // Symlinks resolved: bwrap binds real directories, and a symlinked path still leads into them.
    const args = bwrapArgs({
      cwd: await real(cwd),
      tmpDir: await real(this.settings.tmpDir),
      network: this.settings.network,
    });
    this.#ready ??= this.#check(args, env);
    const ready = await this.#ready;
    if ("reason" in ready) return { kind: "unavailable", reason: ready.reason };
    return { kind: "bwrap", program: ready.bwrap, args: [...args, "bash", "-c", command] };
  }

  async #check(args: string[], env: Record<string, string>): Promise<{ bwrap: string } | { reason: string }> {
    const bwrap = Deno.build.os === "linux" ? await findOnPath("bwrap", env.PATH) : undefined;
    const reason = bwrap === undefined
      ? Deno.build.os === "linux"
        ? "bwrap (bubblewrap) is not on PATH"
        : `bubblewrap only exists on Linux, not on ${Deno.build.os}`
      : await probe(bwrap, args, env);
    if (reason === undefined && bwrap !== undefined) return { bwrap };
    const text = reason ?? "bwrap cannot run";
    this.#onUnavailable?.(text);
    return { reason: text };
  }
}

/** The tool error the model gets when the sandbox is on but cannot run: why, and what the user can do. */
export function sandboxUnavailableMessage(reason: string): string {
  return `Refused: permissions.sandbox is on, but ${reason}, and commands never run outside the sandbox ` +
    "when it is on. Tell the user: install bubblewrap (e.g. apt-get install bubblewrap) or turn the " +
    "sandbox off (--no-sandbox, KODELET_PERMISSIONS_SANDBOX=false or permissions.sandbox: false).";
}

/** The one warning line a command prints when the sandbox cannot run (before "kodelet: "). */
export function sandboxWarning(reason: string): string {
  return `warning: permissions.sandbox is on, but ${reason}: bash commands are refused ` +
    "(install bubblewrap, or turn the sandbox off with --no-sandbox)";
}
