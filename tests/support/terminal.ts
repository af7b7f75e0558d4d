/**
 * Runs kodelet on a real pseudo-terminal (util-linux `script`, part of every Debian and Ubuntu
 * base system), for what kodelet does differently on a terminal: bare `kodelet`, status lines.
 */
import { DENO_JSON, KODELET_PERMISSIONS, MAIN_TS, tempDir } from "./run_kodelet.ts";

/** What a run on a terminal left behind: the terminal shows stdout and stderr as one stream. */
export interface TerminalResult {
  code: number;
  output: string;
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Runs `kodelet <args>` with stdin, stdout and stderr on one terminal; `input` is typed into it. */
export async function runInTerminal(
  args: readonly string[],
  options: { input: string; cwd: string; env: Record<string, string> },
): Promise<TerminalResult> {
  await using home = await tempDir("kodelet-home-");
  const command = [Deno.execPath(), "run", ...KODELET_PERMISSIONS, "--config", DENO_JSON, MAIN_TS, ...args]
    .map(quote).join(" ");
  const child = new Deno.Command("script", {
    // -q: no "Script started" banner; -e: the child's exit code; -c: the command; no typescript file.
    args: ["-qec", command, "/dev/null"],
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? home.path,
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR") ?? "" } : {}),
      TERM: "xterm",
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      KODELET_BASE_PATH: `${home.path}/.kodelet`,
      ...options.env,
    },
    cwd: options.cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.input));
  await writer.close();
  const output = await child.output();
  const decoder = new TextDecoder();
  return { code: output.code, output: decoder.decode(output.stdout) + decoder.decode(output.stderr) };
}
