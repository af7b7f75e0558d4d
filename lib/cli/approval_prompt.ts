/**
 * The line-mode Approver: shows the tool, the command, path or URL (and a short diff for edits) on
 * stderr and reads one key from the terminal in raw mode: y = yes, a = always for this session,
 * n, Esc, Ctrl-C or Ctrl-D = no. Only when stdin and stderr are a terminal and not in CI.
 */
import type { ApprovalAnswer, Approver } from "../tools/mod.ts";
import { escapeControl } from "../safe_text.ts";
import type { CommandIO } from "./command.ts";
import type { LineReader } from "./line_reader.ts";

/** Diff lines shown in the question; the rest is summarised. */
const SHOWN_DIFF_LINES = 30;

/** Where the answer's key press comes from: null at end of input, or when the question is aborted. */
export type KeySource = (signal: AbortSignal) => Promise<string | null>;

/** Runs `read` with the terminal in raw mode (Ctrl-C arrives as a byte, not as SIGINT). */
async function inRawMode<T>(read: () => Promise<T>): Promise<T> {
  Deno.stdin.setRaw(true);
  try {
    return await read();
  } finally {
    Deno.stdin.setRaw(false);
  }
}

/** One key straight from stdin, for `run`, where nothing else reads the terminal. */
const stdinKey: KeySource = () =>
  inRawMode(async () => {
    const buffer = new Uint8Array(16);
    const count = await Deno.stdin.read(buffer);
    return count === null ? null : new TextDecoder().decode(buffer.subarray(0, count));
  });

/**
 * One key through the line chat's reader, which owns stdin: reading stdin beside it would race its
 * pending read for the bytes. The question is asked while a turn runs, when nobody waits for a line.
 */
export function lineReaderKey(reader: LineReader): KeySource {
  return (signal) => inRawMode(() => reader.keyPress(signal));
}

function answerOf(key: string | null): ApprovalAnswer | undefined {
  if (key === null) return "no";
  const first = key[0] ?? "";
  if (first === "y" || first === "Y") return "yes";
  if (first === "a" || first === "A") return "always";
  if (["n", "N", "\x03", "\x04", "\x1b", "\r", "\n"].includes(first)) return "no";
  return undefined;
}

/** The terminal's Approver, or undefined when nobody can answer. */
/** The terminal's Approver, and the output the session's progress lines must go through. */
export interface TerminalQuestions {
  /** Undefined when nobody can answer (no terminal, or CI): calls that would ask are refused. */
  approver: Approver | undefined;
  /**
   * The command's output, except that while a question waits for its key, what else is written (a
   * concurrent tool's ✓ line) is held and shown after the answer, never on the question's line.
   */
  io: CommandIO;
}

export function terminalQuestions(
  io: CommandIO,
  env: Record<string, string>,
  readKey: KeySource = stdinKey,
): TerminalQuestions {
  if (!io.stdinIsTerminal || !io.stderrIsTerminal || (env.CI ?? "") !== "") {
    return { approver: undefined, io };
  }
  let held: (() => void)[] | undefined;
  const shared: CommandIO = {
    ...io,
    stdout: (text) => held ? held.push(() => io.stdout(text)) : io.stdout(text),
    stderr: (text) => held ? held.push(() => io.stderr(text)) : io.stderr(text),
  };
  const approver: Approver = async (request, signal) => {
    held = [];
    try {
      const diff = request.diff?.split("\n") ?? [];
      const shownDiff = diff.slice(0, SHOWN_DIFF_LINES).map((line) => `  ${escapeControl(line)}\n`).join("");
      const more = diff.length > SHOWN_DIFF_LINES
        ? `  ... ${diff.length - SHOWN_DIFF_LINES} more lines\n`
        : "";
      io.stderr(
        `\nkodelet wants to use ${request.tool}:\n  ${escapeControl(request.summary)}\n${shownDiff}${more}` +
          `Allow? [y]es / [n]o / [a]lways for this session (adds ${escapeControl(request.rule)}) `,
      );
      let answer: ApprovalAnswer | undefined;
      while (answer === undefined && !signal.aborted) answer = answerOf(await readKey(signal));
      const final = answer ?? "no";
      io.stderr(final === "always" ? `always: added ${escapeControl(request.rule)}\n` : `${final}\n`);
      return final;
    } finally {
      const waiting = held ?? [];
      held = undefined;
      for (const write of waiting) write();
    }
  };
  return { approver, io: shared };
}
