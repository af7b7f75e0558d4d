/**
 * Tracing's ties to the disk: the `file` exporter, the spool that keeps what the OTLP endpoint did
 * not get, and the background resend of earlier runs' spool. main.ts loads this file (through
 * mod.ts) on every start, so everything behind it is loaded dynamically, and only when tracing asks.
 */
import { join } from "node:path";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { Config } from "../config/mod.ts";
import type { Logger } from "../log.ts";
import type { SendOutcome } from "./otlp_send.ts";
import { createRedactor, safeUrl } from "./redact.ts";
import type { ResendResult } from "./spool.ts";
import type { TracingDeps } from "./types.ts";

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function keepInSpool(config: Config, spans: ReadableSpan[], log: Logger): Promise<number> {
  const tracing = config.tracing;
  // tracing.spool.max_bytes = 0 switches the spool off: nothing is kept, and that is not news.
  if (spans.length === 0 || tracing.spoolMaxBytes === 0) return 0;
  try {
    const [{ JsonTraceSerializer }, { SPOOL_DIR, spoolBatch }] = await Promise.all([
      import("./json_serializer.ts"),
      import("./spool.ts"),
    ]);
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) return 0;
    const result = await spoolBatch(
      join(tracing.storeDir, SPOOL_DIR),
      body,
      spans.length,
      tracing.spoolMaxBytes,
      tracing.otlp.tracesUrl,
    );
    if (result.dropped > 0) {
      log.warn(
        `The trace spool is full (tracing.spool.max_bytes = ${tracing.spoolMaxBytes} bytes): ` +
          `dropped ${result.dropped} undelivered spans`,
      );
    }
    return result.kept;
  } catch (error) {
    log.warn(`Could not keep undelivered spans in the spool: ${reason(error)}`);
    return 0;
  }
}

/** Sends the spool to the configured endpoint; undefined when it was empty. */
export async function resend(config: Config, log: Logger): Promise<ResendResult | undefined> {
  const otlp = config.tracing.otlp;
  const { listBatches, resendBatches, SPOOL_DIR } = await import("./spool.ts");
  const spoolDir = join(config.tracing.storeDir, SPOOL_DIR);
  if ((await listBatches(spoolDir, otlp.tracesUrl)).length === 0) return undefined;
  const { configuredTarget, describeOutcome, postOtlp } = await import("./otlp_send.ts");
  const [{ parseRequest }, { encodeReadableSpans, toReadableSpans }, { redactSpan }] = await Promise.all([
    import("../trace_store/mod.ts"),
    import("./encode.ts"),
    import("./redacting_exporter.ts"),
  ]);
  const target = configuredTarget(otlp);
  const redact = createRedactor(config.secrets);
  const send = (json: Uint8Array): Promise<SendOutcome> => {
    // Parsing first turns a damaged batch into an OtlpShapeError, which drops it instead of sending junk.
    const spans = parseRequest(new TextDecoder().decode(json));
    // The spool was written without secretlint's rules (see setup.ts): they scan the spans here,
    // before anything leaves the machine.
    const redacted = toReadableSpans(spans).map((span) => redactSpan(span, redact));
    return postOtlp(target, encodeReadableSpans(redacted, otlp.protocol));
  };
  const result = await resendBatches(spoolDir, otlp.tracesUrl, send);
  const where = safeUrl(otlp.tracesUrl);
  if (result.sentSpans > 0) {
    log.info(`Sent ${result.sentSpans} spans of earlier runs from the spool to ${where}`);
  }
  if (result.rejectedSpans > 0) {
    log.warn(`Dropped ${result.rejectedSpans} spooled spans that ${where} refused or that could not be read`);
  }
  if (result.stoppedBy) {
    log.debug(
      `${result.remainingBatches} spooled batches wait for the next run: ${
        describeOutcome(result.stoppedBy, otlp.timeoutMs)
      }`,
    );
  }
  return result;
}

/** What startTelemetry needs from the store and the terminal. */
export function tracingDeps(config: Config, writeLine: (line: string) => void, log: Logger): TracingDeps {
  const tracing = config.tracing;
  const deps: TracingDeps = {
    writeErr: writeLine,
    log,
    fileExporter: async (current) => {
      const { FileSpanExporter } = await import("./file_exporter.ts");
      return new FileSpanExporter({
        storeDir: current.tracing.storeDir,
        maxTraces: current.tracing.storeMaxTraces,
        maxBytes: current.tracing.storeMaxBytes,
        onWarning: (message) => log.warn(message),
      });
    },
    spool: (spans) => keepInSpool(config, spans, log),
    warn: (message) => log.warn(message),
    info: (message) => log.info(message),
  };
  // Only a run that exports to OTLP sends the spool: it goes to the endpoint configured now.
  if (tracing.exporters.includes("otlp") && tracing.delivery === "background") {
    deps.sendInBackground = async () => {
      const [{ startBackgroundSender }, { SPOOL_DIR }] = await Promise.all([
        import("./background_sender.ts"),
        import("./spool.ts"),
      ]);
      return startBackgroundSender(join(tracing.storeDir, SPOOL_DIR));
    };
  } else if (tracing.exporters.includes("otlp")) {
    deps.resendSpool = async () => {
      await resend(config, log).catch((error) =>
        log.warn(`Could not send the trace spool: ${reason(error)}`)
      );
    };
  }
  return deps;
}
