/**
 * Runs a command inside its root span `cmd.<command>`, with the CLI conventions' attributes and the
 * values of the flags that are not sensitive.
 */
import type { Context } from "@opentelemetry/api";
import { exitCodeOf } from "../errors.ts";
import { CMD, failSpan, PROCESS, SENSITIVE_FLAG, type Span, withSpan } from "../telemetry/mod.ts";
import { executableName } from "../telemetry/resource.ts";
import { type Command, type CommandContext, commandName } from "./command.ts";

/** The span name of a command: cmd.run, cmd.conversation.list. */
export function rootSpanName(command: Command): string {
  return `cmd.${command.path.join(".")}`;
}

function flagAttributes(flags: CommandContext["args"]["flags"]): Record<string, string | boolean | string[]> {
  const attributes: Record<string, string | boolean | string[]> = {};
  for (const [name, value] of Object.entries(flags)) {
    if (SENSITIVE_FLAG.test(name)) continue;
    attributes[`${CMD.FLAG_PREFIX}${name}`] = value;
  }
  return attributes;
}

/**
 * Runs the command as the root span and returns its exit code; an error thrown by the command is
 * recorded on the span and rethrown for main.ts to print. `onSpan` lets the caller end the span
 * early when the user insists on quitting (a second Ctrl-C).
 */
export function runInRootSpan(
  command: Command,
  context: CommandContext,
  parent: Context,
  onSpan: (span: Span) => void = () => {},
): Promise<number> {
  return withSpan(rootSpanName(command), async (span) => {
    onSpan(span);
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
