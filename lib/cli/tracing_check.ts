/**
 * `kodelet tracing check`: one test span to the configured endpoint, and what happened in plain words.
 * The check itself (and the OpenTelemetry encoders behind it) is loaded only when the command runs.
 */
import { palette } from "../trace_store/format.ts";
import type { Command } from "./command.ts";

/** `kodelet tracing check`. */
export const tracingCheckCommand: Command = {
  path: ["tracing", "check"],
  summary:
    "send a test span to the configured OTLP endpoint and explain the outcome (exit 0 only if delivered)",
  usage: "",
  flags: [],
  args: { min: 0, max: 0 },
  async run(context) {
    const { checkTracing } = await import("../trace_store/check.ts");
    const result = await checkTracing(context.config, { signal: context.signal });
    const paint = palette(context.io.color);
    const lines = result.lines.map((line) => {
      if (line.startsWith("Delivered")) return paint.green(line);
      if (line.startsWith("Not delivered")) return paint.bold(paint.red(line));
      return line;
    });
    context.io.stdout(lines.join("\n") + "\n");
    return result.delivered ? 0 : 1;
  },
};
