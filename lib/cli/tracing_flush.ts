/**
 * `kodelet tracing flush`: sends what waits in the trace spool to the configured endpoint now. With
 * tracing.delivery = background, kodelet starts it by itself, detached, after a traced command.
 */
import { join } from "node:path";
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
    const [{ recordLastSend, takeSenderLock }, { resend }, { SPOOL_DIR, describeOutcome, shownUrl }] =
      await Promise.all([
        import("../telemetry/background_sender.ts"),
        import("../trace_store/deps.ts"),
        import("../trace_store/mod.ts"),
      ]);
    const spoolDir = join(config.tracing.storeDir, SPOOL_DIR);
    const release = await takeSenderLock(spoolDir);
    if (!release) {
      io.stdout("Another kodelet is sending the spool right now.\n");
      return 0;
    }
    try {
      const result = await resend(config, log);
      const where = shownUrl(config.tracing.otlp.tracesUrl);
      if (!result) {
        await recordLastSend(spoolDir, { time: new Date().toISOString(), ok: true, remainingBatches: 0 });
        io.stdout("The spool is empty.\n");
        return 0;
      }
      const reason = result.stoppedBy ? describeOutcome(result.stoppedBy, config.tracing.otlp.timeoutMs) : "";
      await recordLastSend(spoolDir, {
        time: new Date().toISOString(),
        ok: result.stoppedBy === undefined,
        ...(reason ? { reason: `${where}: ${reason}` } : {}),
        remainingBatches: result.remainingBatches,
      });
      io.stdout(`Sent ${result.sentSpans} spans to ${where}.\n`);
      if (result.rejectedSpans > 0) {
        io.stdout(`Dropped ${result.rejectedSpans} spans the endpoint refused.\n`);
      }
      if (result.stoppedBy) {
        io.stdout(`${result.remainingBatches} batches still wait: ${reason}\n`);
        return 1;
      }
      return 0;
    } finally {
      await release();
    }
  },
};
