/** What a command is, and what it receives when it runs. */
import type { Config } from "../config/mod.ts";
import type { Logger } from "../log.ts";
import type { Redactor } from "../telemetry/mod.ts";

/** A flag of a command (global flags come from the configuration key table). */
export interface CommandFlag {
  name: string;
  type: "string" | "boolean";
  description: string;
  short?: string;
  /** Whether the flag may repeat. */
  multiple?: boolean;
}

/** The terminal, passed in so that commands never reach for Deno.stdout themselves. */
export interface CommandIO {
  /** Writes text to stdout as is (no newline added). */
  stdout(text: string): void;
  /** Writes text to stderr as is (no newline added). */
  stderr(text: string): void;
  stdin: ReadableStream<Uint8Array>;
  /** Whether stdout is a terminal (colour, progress). */
  stdoutIsTerminal: boolean;
  /** Whether stderr is a terminal (an updating status line instead of none). */
  stderrIsTerminal?: boolean;
  /** Whether stdin is a terminal (bare `kodelet` starts the interactive session). */
  stdinIsTerminal?: boolean;
  /** Whether stdin is a pipe or a file (`git diff | kodelet run ...`), not a terminal or /dev/null. */
  stdinIsPiped?: () => Promise<boolean>;
  /** NO_COLOR or not a terminal. */
  color: boolean;
  /** Terminal width, 80 when unknown. */
  columns: number;
  /** stdin and stdout are both terminals and TERM is not "dumb": a full-screen UI can run. */
  interactive?: boolean;
}

/** The command line after parsing. */
export interface ParsedCommandLine {
  positionals: string[];
  /** Flag values by flag name, only for flags that were given. */
  flags: Record<string, string | boolean | string[]>;
}

/** Everything a command handler gets. */
export interface CommandContext {
  config: Config;
  args: ParsedCommandLine;
  io: CommandIO;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  log: Logger;
  redact: Redactor;
}

/** One command: its definition and its handler, which returns the exit code. */
export interface Command {
  /** e.g. ["conversation", "list"]. */
  path: string[];
  summary: string;
  /** Positional part of the usage line, e.g. "<query...>". */
  usage: string;
  flags: CommandFlag[];
  /** Fewest and most positional arguments. */
  args: { min: number; max: number };
  /** The command handles Ctrl-C itself (chat: cancel the turn, not the session). */
  handlesInterrupt?: boolean;
  run(context: CommandContext): Promise<number>;
}

/** A command's span and help name: "run", "conversation list". */
export function commandName(command: Command): string {
  return command.path.join(" ");
}
