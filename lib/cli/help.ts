/** Help texts, written from the command table and the flag definitions. */
import { VERSION } from "../version.ts";
import { type Command, type CommandFlag, commandName } from "./command.ts";
import { GLOBAL_FLAGS } from "./parse.ts";

function flagLines(flags: readonly CommandFlag[]): string[] {
  const labels = flags.map((flag) =>
    `${flag.short ? `-${flag.short}, ` : "    "}--${flag.name}${flag.type === "string" ? " <value>" : ""}`
  );
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  return flags.map((flag, index) => `  ${(labels[index] ?? "").padEnd(width)}${flag.description}`);
}

/** One aligned line per command: its name, usage and summary. */
function commandLines(commands: readonly Command[]): string[] {
  const names = commands.map((command) => `${commandName(command)} ${command.usage}`.trim());
  const width = Math.max(...names.map((name) => name.length)) + 2;
  return commands.map((command, index) => `  ${(names[index] ?? "").padEnd(width)}${command.summary}`);
}

/** The top-level help: what kodelet is, its commands and global flags. */
export function mainHelp(commands: readonly Command[]): string {
  return [
    `kodelet ${VERSION}: a coding agent for the terminal, traced with OpenTelemetry`,
    "",
    "Usage: kodelet [command] [flags]   (no command on a terminal: the interactive session, as kodelet chat)",
    "",
    "Commands:",
    ...commandLines(commands),
    "",
    "Global flags (every command):",
    // --version is handled before any command; listed with the flags so that it shares their column.
    ...flagLines([...GLOBAL_FLAGS, { name: "version", type: "boolean", description: "print the version" }]),
    "",
    'Run "kodelet help <command>" or "kodelet <command> --help" for the flags of a command.',
    "",
  ].join("\n");
}

/** The help of one command. */
export function commandHelp(command: Command): string {
  const name = commandName(command);
  return [
    `kodelet ${name}: ${command.summary}`,
    "",
    `Usage: kodelet ${name}${command.usage ? ` ${command.usage}` : ""} [flags]`,
    ...(command.flags.length > 0 ? ["", "Flags:", ...flagLines(command.flags)] : []),
    "",
    "Global flags:",
    ...flagLines(GLOBAL_FLAGS),
    "",
  ].join("\n");
}

/** The help of a group ("kodelet trace"): its sub-commands. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((command) => command.path.length > 1 && command.path[0] === group);
  return [
    `Usage: kodelet ${group} <command> [flags]`,
    "",
    "Commands:",
    ...commandLines(members),
    "",
    `Run "kodelet help ${group} <command>" for the flags of a command.`,
    "",
  ].join("\n");
}
