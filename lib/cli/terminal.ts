/** The real terminal behind CommandIO: synchronous writes, so lines never interleave mid-way. */
import { UsageError } from "../errors.ts";
import { writeAllSync } from "../files.ts";
import { escapeControl } from "../safe_text.ts";
import type { CommandIO } from "./command.ts";

const encoder = new TextEncoder();

function writeAll(target: { writeSync(data: Uint8Array): number }, text: string): void {
  try {
    writeAllSync(target, encoder.encode(text));
  } catch (error) {
    // A closed pipe (kodelet run ... | head) is not our failure; anything else is.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/**
 * Whether stdin is a pipe or a regular file: something sent input. A terminal is not, and neither is
 * /dev/null (a character device), which is what a process started without input usually has. Asked
 * only when stdin read as nothing, since the answer costs loading node:fs (~12 ms).
 */
async function stdinIsPiped(): Promise<boolean> {
  if (Deno.stdin.isTerminal()) return false;
  try {
    // node:fs, because Deno asks for --allow-all before it stats /dev/stdin.
    const { fstatSync } = await import("node:fs");
    const info = fstatSync(0);
    return info.isFile() || info.isFIFO() || info.isSocket();
  } catch {
    return false; // stdin closed: nothing to read
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
    stderrIsTerminal: Deno.stderr.isTerminal(),
    stdinIsTerminal: Deno.stdin.isTerminal(),
    stdinIsPiped,
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

/**
 * The question asked when an untrusted project's kodelet-config.yaml wants keys that need trust;
 * only on a terminal (stdin and stderr), never under a pipe or in CI, where the keys are ignored.
 */
export function trustQuestion(
  io: CommandIO,
): ((dir: string, keys: string[]) => Promise<boolean>) | undefined {
  if (!Deno.stdin.isTerminal() || !Deno.stderr.isTerminal()) return undefined;
  return async (dir, keys) => {
    io.stderr(
      `kodelet: ${escapeControl(dir)}/kodelet-config.yaml wants to set ${keys.join(", ")}.\n` +
        "Only trust a directory whose files you wrote or reviewed: it could send your API key or your data " +
        "elsewhere.\nTrust this directory? [y/N] ",
    );
    const answer = await readAnswer();
    return /^\s*y(es)?\s*$/i.test(answer);
  };
}

/** One line from stdin, read directly so that stdin's stream stays unlocked for the command. */
async function readAnswer(): Promise<string> {
  const buffer = new Uint8Array(256);
  let text = "";
  while (!text.includes("\n")) {
    const count = await Deno.stdin.read(buffer);
    if (count === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, count));
  }
  return text.split("\n")[0] ?? "";
}
