/**
 * The command line, parsed by a pure function (node:util parseArgs underneath): which command,
 * its positionals, and the values of its flags and of the global flags.
 */
import { parseArgs } from "node:util";
import { KEYS } from "../config/mod.ts";
import { UsageError } from "../errors.ts";
import { nearest } from "../suggest.ts";
import { type Command, type CommandFlag, commandName } from "./command.ts";

/** Flags every command has: the configuration's global flags, plus help and verbosity. */
export const GLOBAL_FLAGS: readonly CommandFlag[] = [
  ...KEYS.flatMap((spec) => (spec.flag?.global ? [{ ...spec.flag }] : [])),
  { name: "verbose", type: "boolean", description: "log debug lines to stderr (same as --log-level debug)" },
  { name: "help", short: "h", type: "boolean", description: "show help" },
];

/** The configuration flag of a key, for commands that offer it (e.g. --model on run and chat). */
export function configFlag(name: string): CommandFlag {
  const spec = KEYS.find((key) => key.flag?.name === name);
  if (!spec?.flag) throw new Error(`no configuration flag named ${name}`);
  return {
    name: spec.flag.name,
    type: spec.flag.type,
    description: spec.flag.description,
    ...(spec.flag.multiple ? { multiple: true } : {}),
  };
}

/** What the command line asks for. */
export type CommandLine =
  /** Help: of one command, of a group ("trace": its sub-commands), or the main help when neither. */
  | { kind: "help"; command: Command | undefined; group?: string }
  | { kind: "version" }
  | {
    kind: "run";
    command: Command;
    positionals: string[];
    flags: Record<string, string | boolean | string[]>;
  };

type ParseOptions = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

function optionsOf(flags: readonly CommandFlag[]): ParseOptions {
  const options: ParseOptions = {};
  for (const flag of flags) {
    options[flag.name] = {
      type: flag.type,
      ...(flag.short ? { short: flag.short } : {}),
      ...(flag.multiple ? { multiple: true } : {}),
    };
  }
  return options;
}

/** `--tracing-enabled=false` reads naturally; parseArgs only knows --flag / --no-flag for booleans. */
function normaliseBooleans(argv: readonly string[], booleans: Set<string>): string[] {
  return argv.map((arg) => {
    const match = /^--([a-z][a-z0-9-]*)=(.*)$/.exec(arg);
    if (!match || !booleans.has(match[1] ?? "")) return arg;
    const value = (match[2] ?? "").toLowerCase();
    if (["true", "1", "yes", "on"].includes(value)) return `--${match[1]}`;
    if (["false", "0", "no", "off"].includes(value)) return `--no-${match[1]}`;
    throw new UsageError(
      `Invalid --${match[1]} "${match[2]}" (from the command line): must be true or false`,
    );
  });
}

/** Finds the command whose path is the longest prefix of the positionals. */
function findCommand(positionals: string[], commands: readonly Command[]): Command | undefined {
  let best: Command | undefined;
  for (const command of commands) {
    const matches = command.path.every((part, index) => positionals[index] === part);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  return best;
}

/** node's parseArgs messages run over several lines ("...ambiguous.\nDid you forget ..."); keep the first. */
function firstSentence(message: string): string {
  return message.split(/\.(?:\s|$)/)[0] ?? message;
}

/** The flag a mistyped one was probably meant to be, among the flags allowed here. */
function nearFlag(flag: string, flags: readonly CommandFlag[]): string | undefined {
  if (!flag.startsWith("--")) return undefined;
  const names = flags.flatMap((known) =>
    known.type === "boolean" ? [known.name, `no-${known.name}`] : [known.name]
  );
  const name = nearest(flag.slice(2).replace(/=.*$/, ""), names);
  return name === undefined ? undefined : `--${name}`;
}

function translate(error: unknown, where: string, flags: readonly CommandFlag[]): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const near = nearFlag(flag, flags);
    return new UsageError(
      `Unknown flag "${flag}" (from the command line): ` +
        (near ? `did you mean "${near}"?` : `see "${where} --help" for the flags`),
    );
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    // node says "argument is ambiguous" and puts the way out on a later line; say it in the one line.
    if (/argument is ambiguous/.test(message)) {
      return new UsageError(
        `Invalid flag "${flag}" (from the command line): its value is missing or starts with "-" ` +
          `(write ${flag}=VALUE for a value that starts with "-")`,
      );
    }
    return new UsageError(`Invalid flag "${flag}" (from the command line): ${firstSentence(message)}`);
  }
  return new UsageError(`Invalid command line: ${firstSentence(message)}`);
}

/** The command names a mistyped one may have meant: every path and its first word ("trace"). */
function knownNames(commands: readonly Command[]): Set<string> {
  const names = new Set<string>(["help"]);
  for (const command of commands) {
    names.add(command.path.join(" "));
    names.add(command.path[0] ?? "");
  }
  return names;
}

/** Groups are the first words of multi-word commands ("conversation", "trace"). */
function isGroup(word: string | undefined, commands: readonly Command[]): boolean {
  return commands.some((command) => command.path.length > 1 && command.path[0] === word);
}

/** `kodelet help`, `kodelet help run`, `kodelet help trace` (a group), `kodelet help trace show`. */
function helpFor(words: string[], commands: readonly Command[]): CommandLine {
  if (words.length === 0) return { kind: "help", command: undefined };
  const command = findCommand(words, commands);
  if (command && command.path.length === words.length) return { kind: "help", command };
  if (words.length === 1 && isGroup(words[0], commands)) {
    return { kind: "help", command: undefined, group: words[0] ?? "" };
  }
  throw unknownCommand(words, commands);
}

function unknownCommand(words: string[], commands: readonly Command[]): UsageError {
  const group = isGroup(words[0], commands) ? words[0] : undefined;
  // "conversation lst" is compared with the group's commands, "rn" with the top-level names.
  const typed = words.slice(0, group ? 2 : 1).join(" ");
  const known = [...knownNames(commands)].filter((name) => group ? name.startsWith(`${group} `) : true);
  const near = nearest(typed, known);
  return new UsageError(
    `Unknown command "${typed}" (from the command line): ` +
      (near ? `did you mean "${near}"?` : `see "kodelet --help" for the commands`),
  );
}

/** How the process was started, for the choices that depend on it. */
export interface CommandLineOptions {
  /** stdin is a terminal: bare `kodelet` starts the interactive session, as `kodelet chat` does. */
  interactive?: boolean;
}

/** Parses argv against the command table; throws UsageError on anything it cannot accept. */
export function parseCommandLine(
  argv: readonly string[],
  commands: readonly Command[],
  options: CommandLineOptions = {},
): CommandLine {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) return { kind: "version" };

  // First pass, lenient, knowing every flag of every command so that flag values are not taken
  // for the command's name.
  const allFlags = [...GLOBAL_FLAGS, ...commands.flatMap((command) => command.flags)];
  const booleans = new Set(allFlags.filter((flag) => flag.type === "boolean").map((flag) => flag.name));
  const args = normaliseBooleans(argv, booleans);
  const lenient = parseArgs({
    args,
    options: optionsOf(allFlags),
    strict: false,
    allowPositionals: true,
    allowNegative: true,
  });
  const wantsHelp = lenient.values.help === true;
  if (lenient.positionals[0] === "help") return helpFor(lenient.positionals.slice(1), commands);
  let command = findCommand(lenient.positionals, commands);
  if (!command) {
    const [first] = lenient.positionals;
    // `kodelet trace` (a group) lists its sub-commands, as `kodelet trace --help` does.
    if (first !== undefined && isGroup(first, commands) && (wantsHelp || lenient.positionals.length === 1)) {
      return { kind: "help", command: undefined, group: first };
    }
    if (wantsHelp) return { kind: "help", command: undefined };
    if (first !== undefined) throw unknownCommand(lenient.positionals, commands);
    // Only flags, or nothing: the interactive session on a terminal (as every peer does), help otherwise.
    const interactive = options.interactive
      ? commands.find((known) => commandName(known) === "chat")
      : undefined;
    if (!interactive) {
      strictParse(args, GLOBAL_FLAGS, "kodelet");
      return { kind: "help", command: undefined };
    }
    command = interactive;
  }
  const where = `kodelet ${commandName(command)}`;
  if (wantsHelp) return { kind: "help", command };

  const parsed = strictParse(args, [...GLOBAL_FLAGS, ...command.flags], where);
  const positionals = parsed.positionals.slice(command.path.length);
  if (positionals.length < command.args.min) {
    throw new UsageError(`Missing arguments for "${where} ${command.usage}": see "${where} --help"`);
  }
  if (positionals.length > command.args.max) {
    const extra = positionals[command.args.max] ?? "";
    throw new UsageError(`Unexpected argument "${extra}" (from the command line) for "${where}"`);
  }
  const flags: Record<string, string | boolean | string[]> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value !== undefined) flags[name] = value as string | boolean | string[];
  }
  return { kind: "run", command, positionals, flags };
}

/** The strict pass: only the flags given are allowed; an unknown one is a usage error with a suggestion. */
function strictParse(args: string[], flags: readonly CommandFlag[], where: string) {
  try {
    return parseArgs({
      args,
      options: optionsOf(flags),
      strict: true,
      allowPositionals: true,
      allowNegative: true,
    });
  } catch (error) {
    throw translate(error, where, flags);
  }
}

/** The value of a --limit flag: a whole number above 0, or the default when not given. */
export function limitFlag(value: string | boolean | string[] | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value);
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError(`Invalid --limit "${text}" (from the command line): must be a whole number above 0`);
  }
  return limit;
}
