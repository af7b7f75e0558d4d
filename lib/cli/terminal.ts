/** The real terminal behind CommandIO: synchronous writes, so lines never interleave mid-way. */
import { UsageError } from "../errors.ts";
import type { CommandIO } from "./command.ts";

const encoder = new TextEncoder();

function writeAll(target: { writeSync(data: Uint8Array): number }, text: string): void {
  const data = encoder.encode(text);
  let written = 0;
  try {
    while (written < data.length) written += target.writeSync(data.subarray(written));
  } catch (error) {
    // A closed pipe (kodelet run ... | head) is not our failure; anything else is.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/** stdout, stderr and stdin of this process. */
export function terminalIO(env: Record<string, string>): CommandIO {
  const stdoutIsTerminal = Deno.stdout.isTerminal();
  let columns = 80;
  try {
    if (stdoutIsTerminal) columns = Deno.consoleSize().columns;
  } catch {
    // not a terminal after all
  }
  return {
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    stdin: Deno.stdin.readable,
    stdoutIsTerminal,
    color: stdoutIsTerminal && env.NO_COLOR === undefined,
    columns: Number(env.COLUMNS) > 0 ? Number(env.COLUMNS) : columns,
    interactive: stdoutIsTerminal && Deno.stdin.isTerminal() && env.TERM !== "dumb",
  };
}

/** A line writer for log lines: a file (appended) when configured, stderr otherwise. */
export function logWriter(path: string | undefined, io: CommandIO): (line: string) => void {
  if (path === undefined) return (line) => io.stderr(line + "\n");
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { append: true, create: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Invalid log.file "${path}": cannot open it for writing (${reason})`);
  }
  return (line) => writeAll(file, line + "\n");
}
