/**
 * Telemetry for the rest of kodelet: `withSpan` and `tracer` to make spans, the attribute names, the
 * redactor, and `startTelemetry`, which loads the OpenTelemetry SDK only when tracing is enabled.
 * Everything about getting telemetry out of the process lives here too: the exporters (otlp, console,
 * file), delivery, the spool and its resend, OTLP encoding and kodelet's own OTLP requests. What needs
 * the SDK is behind the async functions at the end of this file, which load it on first use.
 */
import { join } from "node:path";
import { type Context, context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { Config, OtlpConfig } from "../config/mod.ts";
import type { Logger } from "../log.ts";
import type { StoredSpan } from "../trace_store/mod.ts";
import type { CheckSendOptions, CheckSendResult } from "./check.ts";
import type { OtlpTarget, SendOptions, SendOutcome } from "./otlp_send.ts";
import type { SpoolStatus } from "./spool.ts";
import type { DeliveryReport, TracingDeps } from "./types.ts";

export * from "./attributes.ts";
export { createRedactor, type Redactor, safeUrl, truncateBytes } from "./redact.ts";
import { safeUrl } from "./redact.ts";
import { describeOutcome } from "./otlp_send.ts";
export type { DeliveryReport, TracingDeps } from "./types.ts";
export { tracingDeps } from "./tracing_deps.ts";
export { classifyNetworkError, type NetworkErrorKind } from "./network_error.ts";
export { executableName, resourceAttributes } from "./resource.ts";
export {
  configuredTarget,
  describeOutcome,
  type Fetch,
  type OtlpTarget,
  postOtlp,
  type SendOutcome,
} from "./otlp_send.ts";
export type { SpoolStatus } from "./spool.ts";
export type { CheckSendResult } from "./check.ts";
export {
  type Attributes,
  endOpenSpans,
  errorTypeOf,
  failSpan,
  type Span,
  SpanKind,
  SpanStatusCode,
  tracer,
  withSpan,
} from "./with_span.ts";

/** Tracing as the command runner sees it. */
export interface Telemetry {
  enabled: boolean;
  /** The context the root span starts in. */
  parentContext: Context;
  /** Flushes within the configured bound; undefined when tracing is off. */
  shutdown(): Promise<DeliveryReport | undefined>;
}

const DISABLED: Telemetry = {
  enabled: false,
  parentContext: ROOT_CONTEXT,
  shutdown: () => Promise.resolve(undefined),
};

/** Starts tracing when the configuration enables it; otherwise loads nothing and costs nothing. */
export async function startTelemetry(config: Config, deps: TracingDeps): Promise<Telemetry> {
  if (!config.tracing.enabled) return DISABLED;
  const { startTracing } = await import("./setup.ts");
  const runtime = await startTracing(config, deps);
  return { enabled: true, parentContext: runtime.parentContext, shutdown: () => runtime.shutdown() };
}

/** The one line printed when spans could not be delivered, or undefined when all arrived. */
export function deliveryWarning(report: DeliveryReport | undefined): string | undefined {
  if (report?.backgroundFailure && report.undelivered === 0) {
    return `kodelet: spans wait in the spool: the last background send failed (${report.backgroundFailure}); ` +
      `see "kodelet tracing check"`;
  }
  if (!report || report.undelivered === 0) return undefined;
  const spans = report.undelivered === 1 ? "1 span" : `${report.undelivered} spans`;
  const kept = report.spooled > 0 ? `; ${report.spooled} kept in the spool for the next run` : "";
  return `kodelet: ${spans} could not be delivered to ${report.destination} (${report.reason})${kept}`;
}

/**
 * The W3C trace context of the active span as environment variables (TRACEPARENT, TRACESTATE), for
 * child processes, so that traced programs kodelet runs join the trace.
 */
export function traceContextEnv(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const env: Record<string, string> = {};
  if (carrier.traceparent) env.TRACEPARENT = carrier.traceparent;
  if (carrier.tracestate) env.TRACESTATE = carrier.tracestate;
  return env;
}

/** Sends one test span to the configured endpoint (`tracing check`); loads the encoders. */
export async function checkEndpoint(
  config: Config,
  options: CheckSendOptions = {},
): Promise<CheckSendResult> {
  const { sendCheckSpan } = await import("./check.ts");
  return sendCheckSpan(config, options);
}

/** The spool of the store at storeDir at a glance. */
export async function spoolStatusOf(storeDir: string): Promise<SpoolStatus> {
  const { SPOOL_DIR, spoolStatus } = await import("./spool.ts");
  return spoolStatus(join(storeDir, SPOOL_DIR));
}

/** Sends stored spans to an OTLP endpoint in the configured encoding (`trace export`); loads the encoders. */
export async function sendStoredSpans(
  target: OtlpTarget,
  spans: readonly StoredSpan[],
  protocol: OtlpConfig["protocol"],
  options: SendOptions = {},
): Promise<SendOutcome> {
  const { encodeStoredSpans } = await import("./encode.ts");
  const { postOtlp } = await import("./otlp_send.ts");
  return postOtlp(target, encodeStoredSpans(spans, protocol), options);
}

/** What `flushSpool` did. */
export type SpoolFlush =
  | { kind: "busy" }
  | { kind: "empty" }
  | { kind: "sent"; sentSpans: number; rejectedSpans: number; remainingBatches: number; failure?: string };

/**
 * Sends the spool to the configured endpoint now, unless another sender holds the lock, and records
 * the outcome for the next command's warning (`tracing flush`, and the background sender).
 */
export async function flushSpool(config: Config, log: Logger): Promise<SpoolFlush> {
  const [{ recordLastSend, takeSenderLock }, { resend }, { SPOOL_DIR }] = await Promise.all([
    import("./background_sender.ts"),
    import("./tracing_deps.ts"),
    import("./spool.ts"),
  ]);
  const spoolDir = join(config.tracing.storeDir, SPOOL_DIR);
  const release = await takeSenderLock(spoolDir);
  if (!release) return { kind: "busy" };
  try {
    const result = await resend(config, log);
    const time = new Date().toISOString();
    if (!result) {
      await recordLastSend(spoolDir, { time, ok: true, remainingBatches: 0 });
      return { kind: "empty" };
    }
    const failure = result.stoppedBy
      ? `${safeUrl(config.tracing.otlp.tracesUrl)}: ${
        describeOutcome(result.stoppedBy, config.tracing.otlp.timeoutMs)
      }`
      : undefined;
    await recordLastSend(spoolDir, {
      time,
      ok: failure === undefined,
      ...(failure ? { reason: failure } : {}),
      remainingBatches: result.remainingBatches,
    });
    return {
      kind: "sent",
      sentSpans: result.sentSpans,
      rejectedSpans: result.rejectedSpans,
      remainingBatches: result.remainingBatches,
      ...(failure ? { failure } : {}),
    };
  } finally {
    await release();
  }
}

/** The trace id of the active span, or undefined when nothing is recording (tracing off). */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span || !span.isRecording()) return undefined;
  const { traceId } = span.spanContext();
  return /^0+$/.test(traceId) ? undefined : traceId;
}
