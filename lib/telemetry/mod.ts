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
export {
  type CompactionRecord,
  currentSessionId,
  type LlmCallRecord,
  type RetryRecord,
  signals,
  signalsActive,
  type ToolCallRecord,
  type ToolDecisionRecord,
  type ToolOutcome,
} from "./instruments.ts";
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
  leaveStatusUnset,
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

/** Whether metrics or log events will be recorded at all. */
function signalOn(signal: { enabled: boolean; exporters: string[] }): boolean {
  return signal.enabled && signal.exporters.some((name) => name !== "none");
}

/**
 * Starts each signal the configuration enables (tracing, metrics, log events); a signal that is off
 * loads nothing of its SDK and costs nothing. One bounded shutdown flushes all three together.
 */
export async function startTelemetry(config: Config, deps: TracingDeps): Promise<Telemetry> {
  const others = signalOn(config.metrics) || signalOn(config.logs);
  if (!config.tracing.enabled && !others) return DISABLED;
  // Hand-over (tracing.delivery = background): the detached sender delivers every signal's spool. It
  // is started once the metric points and log records are in the spool too, not before.
  const sendInBackground = deps.sendInBackground;
  let othersSpooled: Promise<unknown> = Promise.resolve();
  const tracingDeps: TracingDeps = sendInBackground
    ? {
      ...deps,
      sendInBackground: async () => {
        await othersSpooled;
        return await sendInBackground();
      },
    }
    : deps;
  const [tracing, signalRuntime] = await Promise.all([
    config.tracing.enabled
      ? import("./setup.ts").then(({ startTracing }) => startTracing(config, tracingDeps))
      : undefined,
    others
      ? import("./signals.ts").then(({ startSignals }) =>
        startSignals(config, {
          writeErr: deps.writeErr,
          warn: deps.warn ?? (() => {}),
          info: deps.info ?? (() => {}),
          background: sendInBackground !== undefined,
        })
      )
      : undefined,
  ]);
  return {
    enabled: true,
    parentContext: tracing?.parentContext ?? ROOT_CONTEXT,
    async shutdown() {
      const rest = signalRuntime?.shutdown() ?? Promise.resolve([]);
      othersSpooled = rest.catch(() => undefined);
      const spans = await tracing?.shutdown();
      const report: DeliveryReport = spans ?? { undelivered: 0, destination: "", reason: "", spooled: 0 };
      const reports = await rest;
      if (reports.length > 0) report.others = reports;
      // Without tracing nobody else starts the sender for what the other signals spooled.
      if (!tracing && sendInBackground && reports.some((item) => item.spooled > 0)) {
        const failure = await sendInBackground().catch(() => undefined);
        if (failure) report.backgroundFailure = failure;
      }
      return report;
    },
  };
}

function counted(report: DeliveryReport): string {
  const what = report.what ?? "span";
  return `${report.undelivered} ${what}${report.undelivered === 1 ? "" : "s"}`;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** The endpoint a signal URL belongs to: `<base>/v1/traces` and `<base>/v1/metrics` share `<base>`. */
function baseOf(destination: string): string {
  return destination.replace(/\/v1\/(traces|metrics|logs)$/, "");
}

/**
 * The one line printed when spans, metric points or log records could not be delivered, naming
 * what, where and why; undefined when everything arrived. Signals that failed at the same endpoint
 * share one clause (named by the endpoint's base), with the first signal's reason.
 */
export function deliveryWarning(report: DeliveryReport | undefined): string | undefined {
  if (!report) return undefined;
  const failed = [report, ...(report.others ?? [])].filter((item) => item.undelivered > 0);
  const first = failed[0];
  if (!first) {
    if (!report.backgroundFailure) return undefined;
    return `kodelet: spans wait in the spool: the last background send failed (${report.backgroundFailure}); ` +
      `see "kodelet tracing check"`;
  }
  const kept = (items: DeliveryReport[]) => {
    const spooled = items.reduce((sum, item) => sum + item.spooled, 0);
    return spooled > 0 ? `; ${spooled} kept in the spool for the next run` : "";
  };
  if (failed.length === 1) {
    return `kodelet: ${counted(first)} could not be delivered to ${first.destination} (${first.reason})${
      kept(failed)
    }`;
  }
  const groups = new Map<string, DeliveryReport[]>();
  for (const item of failed) {
    groups.set(baseOf(item.destination), [...(groups.get(baseOf(item.destination)) ?? []), item]);
  }
  const clauses = [...groups].map(([base, items]) =>
    `${joinWords(items.map(counted))} to ${groups.size === 1 ? base : items[0]?.destination} (${
      items[0]?.reason
    })`
  );
  return `kodelet: ${joinWords(clauses).replace(" to ", " could not be delivered to ")}${kept(failed)}`;
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

/** Rounds one sender makes at most (see flushSpool). */
const MAX_FLUSH_ROUNDS = 5;

/** Two rounds' figures as one: what both sent, and what the later one left. */
function combined(earlier: SpoolFlush, later: SpoolFlush): SpoolFlush {
  if (earlier.kind !== "sent") return later;
  if (later.kind !== "sent") return earlier;
  return {
    ...later,
    sentSpans: earlier.sentSpans + later.sentSpans,
    rejectedSpans: earlier.rejectedSpans + later.rejectedSpans,
  };
}

/**
 * Sends the spool to the configured endpoint now, unless another sender holds the lock, and records
 * the outcome for the next command's warning (`tracing flush`, and the background sender).
 *
 * A traced command that spooled while this sender held the lock found it busy and started no sender
 * of its own; what it left would wait for the next run. So after each round, with the lock released,
 * the spool is looked at again and a batch that arrived meanwhile gets another round. The command
 * writes its batch before it looks at the lock and the sender looks at the spool after it released
 * the lock, so one of the two always sees the batch.
 */
export async function flushSpool(config: Config, log: Logger): Promise<SpoolFlush> {
  const [{ spooledBatches }, { SPOOL_DIR }] = await Promise.all([
    import("./background_sender.ts"),
    import("./spool.ts"),
  ]);
  const spoolDir = join(config.tracing.storeDir, SPOOL_DIR);
  let outcome: SpoolFlush = { kind: "empty" };
  // Batches already there when a round starts are sent by it, or are not ours to send (another
  // endpoint's): only newcomers call for another round. What a round leaves is the next one's start.
  let before = spooledBatches(spoolDir);
  for (let round = 0; round < MAX_FLUSH_ROUNDS; round++) {
    const next = await flushSpoolOnce(config, log);
    if (next.kind === "busy") return round === 0 ? next : outcome;
    outcome = combined(outcome, next);
    if (next.kind === "sent" && next.failure !== undefined) break;
    const after = spooledBatches(spoolDir);
    if (![...after].some((name) => !before.has(name))) break;
    before = after;
  }
  return outcome;
}

/** One round of flushSpool: takes the lock, sends what waits, records the outcome, releases the lock. */
async function flushSpoolOnce(config: Config, log: Logger): Promise<SpoolFlush> {
  const [{ recordLastSend, takeSenderLock }, { resend }, { SPOOL_DIR }] = await Promise.all([
    import("./background_sender.ts"),
    import("./tracing_deps.ts"),
    import("./spool.ts"),
  ]);
  const spoolDir = join(config.tracing.storeDir, SPOOL_DIR);
  const release = await takeSenderLock(spoolDir);
  if (!release) return { kind: "busy" };
  try {
    // The other signals' spools first: they are small, and the spans' resend may stop at a failure.
    const { resendSignal } = await import("./signal_resend.ts");
    const otherFailures: string[] = [];
    for (const signal of ["metrics", "logs"] as const) {
      const stopped = await resendSignal(config, signal, log).catch((error) => String(error));
      if (stopped) otherFailures.push(stopped);
    }
    const result = await resend(config, log);
    const time = new Date().toISOString();
    if (!result) {
      const other = otherFailures[0];
      await recordLastSend(spoolDir, {
        time,
        ok: other === undefined,
        ...(other ? { reason: other } : {}),
        remainingBatches: other ? 1 : 0,
      });
      return other ? { kind: "sent", sentSpans: 0, rejectedSpans: 0, remainingBatches: 0, failure: other } : {
        kind: "empty",
      };
    }
    const failure = result.stoppedBy
      ? `${safeUrl(config.tracing.otlp.tracesUrl)}: ${
        describeOutcome(result.stoppedBy, config.tracing.otlp.timeoutMs)
      }`
      : otherFailures[0];
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
