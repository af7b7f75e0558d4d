/**
 * The command line: the command table, parsing, help, the root span every command runs in, and the
 * terminal. Each command (one file each) renders its own output; main.ts composes the rest.
 */
export { COMMANDS } from "./commands.ts";
export { type Command, type CommandContext, type CommandIO } from "./command.ts";
export { commandHelp, groupHelp, mainHelp } from "./help.ts";
export { type CommandLine, parseCommandLine } from "./parse.ts";
export { runInRootSpan } from "./root_span.ts";
export { taskWorkingDirectory } from "./task_cwd.ts";
export { logWriter, terminalIO, trustQuestion } from "./terminal.ts";
export { handleSignals } from "./signals.ts";
