/**
 * Runs kodelet (`deno run main.ts ...`) as a subprocess with an environment built from nothing, so
 * that no real user configuration, credential or OTEL_* variable of the machine running the tests
 * leaks in. HOME and KODELET_BASE_PATH always point at fresh temporary directories unless given.
 */
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { PERMISSIONS } from "../../scripts/build.ts";

/** The repository root (where deno.json and main.ts are). */
export const REPO_ROOT: string = fromFileUrl(new URL("../../", import.meta.url));
/** kodelet's entry point. */
export const MAIN_TS: string = fromFileUrl(new URL("../../main.ts", import.meta.url));
/** The project's configuration (import map); passed explicitly because the child's cwd is elsewhere. */
export const DENO_JSON: string = fromFileUrl(new URL("../../deno.json", import.meta.url));

/** The permissions the compiled binary (and the `dev` task) give kodelet. */
export const KODELET_PERMISSIONS: readonly string[] = PERMISSIONS;

/**
 * The few variables a child that runs in a clean environment keeps from this one: PATH, and HOME
 * and DENO_DIR (Deno's module cache lives under them).
 */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** What a finished subprocess left behind. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  durationMs: number;
  /** With `resources: true`: user + system CPU time and peak memory. */
  resources?: Resources;
}

/** How to run a `deno` subprocess. */
export interface RunOptions {
  /** Variables on top of the minimal base (PATH, DENO_DIR, NO_COLOR, HOME, KODELET_BASE_PATH). */
  env?: Record<string, string>;
  /** Working directory; a fresh temporary directory by default (so no ./kodelet-config.yaml is read). */
  cwd?: string;
  /** The deno.json whose import map applies; the project's own by default. */
  config?: string;
  /** Also measure CPU time and peak memory (through GNU time, /usr/bin/time), for benchmarks. */
  resources?: boolean;
  /** Sent on stdin through a pipe (closed after it); stdin is /dev/null without it. */
  input?: string;
}

/** CPU time and peak resident memory of a finished subprocess (benchmarks only). */
export interface Resources {
  cpuMs: number;
  maxRssKiB: number;
}

const GNU_TIME = "/usr/bin/time";

let denoDir: Promise<string> | undefined;

/**
 * The module cache of the deno running the tests. HOME is replaced in the child, and Deno derives its
 * default cache from HOME, so without this every subprocess would download all npm packages again.
 */
export function parentDenoDir(): Promise<string> {
  denoDir ??= (async () => {
    const fromEnv = Deno.env.get("DENO_DIR");
    if (fromEnv) return fromEnv;
    const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
      .output();
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { denoDir?: unknown };
    if (typeof info.denoDir !== "string") throw new Error("deno info --json did not say where its cache is");
    return info.denoDir;
  })();
  return denoDir;
}

/** A fresh temporary directory that is removed when the returned disposer runs. */
export async function tempDir(prefix = "kodelet-test-"): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    [Symbol.asyncDispose]: () => removeTree(path),
  };
}

/**
 * Removes a folder that a detached sender started by a traced run may still be writing to (its lock,
 * last_send.json): a recursive remove that meets a file created meanwhile fails with ENOTEMPTY, so
 * it tries again for as long as a sender may live.
 */
async function removeTree(path: string): Promise<void> {
  for (let attempt = 1;; attempt++) {
    try {
      return await Deno.remove(path, { recursive: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (attempt >= 50 || (error as { code?: unknown }).code !== "ENOTEMPTY") throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Runs `deno <args>` with a clean environment and returns its exit code, output and wall time. */
export async function runDeno(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  await using home = await tempDir("kodelet-home-");
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: await parentDenoDir(),
    // Plain text for assertions: no ANSI colour from Deno's own messages.
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    HOME: home.path,
    KODELET_BASE_PATH: `${home.path}/.kodelet`,
    // The temporary HOME (and the spool in it) is gone when the run returns, before a background
    // sender could read it: tests deliver in-process unless they test the background mode itself
    // (tests/e2e/background_delivery_test.ts), which keeps its own HOME.
    KODELET_TRACING_DELIVERY: "wait",
    ...options.env,
  };
  const timeFile = options.resources ? join(home.path, "time.txt") : undefined;
  const command = timeFile ? GNU_TIME : Deno.execPath();
  const fullArgs = timeFile ? ["-o", timeFile, "-f", "%U %S %M", Deno.execPath(), ...args] : [...args];
  const started = performance.now();
  const child = new Deno.Command(command, {
    args: fullArgs,
    env,
    clearEnv: true,
    cwd: options.cwd ?? home.path,
    stdin: options.input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.input));
    await writer.close();
  }
  const output = await child.output();
  const durationMs = performance.now() - started;
  const decoder = new TextDecoder();
  let resources: Resources | undefined;
  if (timeFile) {
    const [user, system, rss] = ((await Deno.readTextFile(timeFile)).trim().split("\n").at(-1) ?? "").split(
      " ",
    )
      .map(Number);
    resources = { cpuMs: ((user ?? NaN) + (system ?? NaN)) * 1000, maxRssKiB: rss ?? NaN };
  }
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    durationMs,
    ...(resources ? { resources } : {}),
  };
}

/** Runs `deno run <permissions> main.ts <args>` as a user would run `kodelet <args>`. */
export function runKodelet(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runDeno(
    ["run", ...KODELET_PERMISSIONS, "--config", options.config ?? DENO_JSON, MAIN_TS, ...args],
    options,
  );
}

/** The command line that runs `kodelet <args>` from source, for a terminal (tmux) to start. */
export function kodeletCommand(args: readonly string[]): string[] {
  return [Deno.execPath(), "run", ...KODELET_PERMISSIONS, "--config", DENO_JSON, MAIN_TS, ...args];
}

/** The lines of a text, without the empty one after a trailing newline. */
export function linesOf(text: string): string[] {
  return text.split("\n").filter((line, index, all) => !(line === "" && index === all.length - 1));
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}
