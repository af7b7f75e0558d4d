/**
 * Telemetry for the rest of kodelet: `withSpan` and `tracer` to make spans, the attribute names, the
 * redactor, and `startTelemetry`, which loads the OpenTelemetry SDK only when tracing is enabled.
 * Everything about getting telemetry out of the process lives here too: the exporters (otlp, console,
 * file), delivery, the spool and its resend, OTLP encoding and kodelet's own OTLP requests. What needs
 * the SDK is behind the async functions at the end of this file, which load it on first use.
 */
import { join } from "node:path";
import { type Context, context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";
import type { Config, OtlpConfig } from "../config/mod.ts";
import type { StoredSpan } from "../trace_store/mod.ts";
import type { CheckSendOptions, CheckSendResult } from "./check.ts";
import type { OtlpTarget, SendOptions, SendOutcome } from "./otlp_send.ts";
import type { SpoolStatus } from "./spool.ts";
import type { DeliveryReport, TracingDeps } from "./types.ts";

export * from "./attributes.ts";
export {
  currentSessionId,
  type LlmCallRecord,
  type RetryRecord,
  signals,
  signalsActive,
  type ToolCallRecord,
  type ToolOutcome,
} from "./instruments.ts";
export { createRedactor, type Redactor, safeUrl, truncateBytes } from "./redact.ts";
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
  const [tracing, signalRuntime] = await Promise.all([
    config.tracing.enabled
      ? import("./setup.ts").then(({ startTracing }) => startTracing(config, deps))
      : undefined,
    others
      ? import("./signals.ts").then(({ startSignals }) =>
        startSignals(config, {
          writeErr: deps.writeErr,
          warn: deps.warn ?? (() => {}),
          info: deps.info ?? (() => {}),
        })
      )
      : undefined,
  ]);
  return {
    enabled: true,
    parentContext: tracing?.parentContext ?? ROOT_CONTEXT,
    async shutdown() {
      const [spans, rest] = await Promise.all([tracing?.shutdown(), signalRuntime?.shutdown() ?? []]);
      const report: DeliveryReport = spans ?? { undelivered: 0, destination: "", reason: "", spooled: 0 };
      if (rest.length > 0) report.others = rest;
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
  if (!first) return undefined;
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
