/**
 * `kodelet tracing check`: one test span to the configured endpoint, and what happened in plain words.
 * The check itself (and the OpenTelemetry encoders behind it) is loaded only when the command runs.
 */
import { palette } from "./format.ts";
import type { Command } from "./command.ts";

/** `kodelet tracing check`. */
export const tracingCheckCommand: Command = {
  path: ["tracing", "check"],
  summary: "send one test span to the OTLP endpoint and explain",
  usage: "",
  flags: [],
  args: { min: 0, max: 0 },
  async run(context) {
    const { checkTracing } = await import("./tracing_check_report.ts");
    const paint = palette(context.io.color);
    // Lines are printed as they come: the setup shows while the request waits (up to the export timeout).
    const result = await checkTracing(context.config, {
      signal: context.signal,
      onLine: (line) => {
        const shown = line.startsWith("Delivered")
          ? paint.green(line)
          : line.startsWith("Not delivered")
          ? paint.bold(paint.red(line))
          : line;
        context.io.stdout(shown + "\n");
      },
    });
    return result.delivered ? 0 : 1;
  },
};
