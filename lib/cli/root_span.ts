/**
 * Runs a command inside its root span `cmd.<command>`, with the CLI conventions' attributes and the
 * values of the flags that are not sensitive.
 */
import type { Context } from "@opentelemetry/api";
import { exitCodeOf } from "../errors.ts";
import {
  CMD,
  executableName,
  failSpan,
  PROCESS,
  safeUrl,
  SENSITIVE_FLAG,
  signals,
  withSpan,
} from "../telemetry/mod.ts";
import { type Command, type CommandContext, commandName } from "./command.ts";

/** The span name of a command: cmd.run, cmd.conversation.list. */
export function rootSpanName(command: Command): string {
  return `cmd.${command.path.join(".")}`;
}

function flagAttributes(flags: CommandContext["args"]["flags"]): Record<string, string | boolean | string[]> {
  const attributes: Record<string, string | boolean | string[]> = {};
  for (const [name, value] of Object.entries(flags)) {
    if (SENSITIVE_FLAG.test(name)) continue;
    // A URL may carry credentials in its user info or query string: only its safe part is kept.
    const safe = (item: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(item) ? safeUrl(item) : item);
    attributes[`${CMD.FLAG_PREFIX}${name}`] = typeof value === "string"
      ? safe(value)
      : Array.isArray(value)
      ? value.map(safe)
      : value;
  }
  return attributes;
}

/**
 * Runs the command as the root span and returns its exit code; an error thrown by the command is
 * recorded on the span and rethrown for main.ts to print.
 */
export function runInRootSpan(
  command: Command,
  context: CommandContext,
  parent: Context,
): Promise<number> {
  return withSpan(rootSpanName(command), async (span) => {
    signals.session(commandName(command));
    try {
      const code = await command.run(context);
      span.setAttribute(PROCESS.EXIT_CODE, code);
      if (code !== 0) failSpan(span, String(code), `exit code ${code}`);
      return code;
    } catch (error) {
      span.setAttribute(PROCESS.EXIT_CODE, exitCodeOf(error));
      throw error;
    }
  }, {
    parent,
    attributes: {
      [CMD.NAME]: commandName(command),
      [CMD.PATH]: ["kodelet", ...command.path].join(" "),
      [CMD.ARGS_COUNT]: context.args.positionals.length,
      [PROCESS.EXECUTABLE_NAME]: executableName(),
      [PROCESS.PID]: Deno.pid,
      ...flagAttributes(context.args.flags),
    },
  });
}
