/**
 * `kodelet tracing flush`: sends what waits in the trace spool to the configured endpoint now. With
 * tracing.delivery = background, kodelet starts it by itself, detached, after a traced command.
 */
import { flushSpool, safeUrl } from "../telemetry/mod.ts";
import type { Command } from "./command.ts";

/** `kodelet tracing flush`. */
export const tracingFlushCommand: Command = {
  path: ["tracing", "flush"],
  summary: "send the spans waiting in the spool to the OTLP endpoint now",
  usage: "",
  flags: [],
  args: { min: 0, max: 0 },
  async run(context) {
    const { config, io, log } = context;
    if (!config.tracing.exporters.includes("otlp")) {
      io.stderr("kodelet: no OTLP endpoint is configured: nothing to send the spool to\n");
      return 1;
    }
    const flushed = await flushSpool(config, log);
    switch (flushed.kind) {
      case "busy":
        io.stdout("Another kodelet is sending the spool right now.\n");
        return 0;
      case "empty":
        io.stdout("The spool is empty.\n");
        return 0;
      case "sent":
        io.stdout(`Sent ${flushed.sentSpans} spans to ${safeUrl(config.tracing.otlp.tracesUrl)}.\n`);
        if (flushed.rejectedSpans > 0) {
          io.stdout(`Dropped ${flushed.rejectedSpans} spans the endpoint refused.\n`);
        }
        if (flushed.failure) {
          io.stdout(`${flushed.remainingBatches} batches still wait: ${flushed.failure}\n`);
          return 1;
        }
        return 0;
    }
  },
};
