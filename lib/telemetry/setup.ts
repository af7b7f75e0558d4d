/**
 * The tracing runtime: tracer provider, sampler, context manager, propagators and exporters. This
 * module (and through it the whole OpenTelemetry SDK) is imported dynamically, and only when tracing
 * is enabled, so that kodelet with tracing off never pays for it.
 */
import { type Context, context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import type { Config, OtlpConfig, TracingConfig } from "../config/mod.ts";
import { batchOptions } from "./batch_options.ts";
import { ConsoleLineExporter } from "./console_exporter.ts";
import { DeliveryTracker, TrackedExporter, TrackingProcessor } from "./delivery.ts";
import { installDiagLogger } from "./diag.ts";
import { LazyExporter } from "./lazy_exporter.ts";
import { createRedactor, reportedDestination } from "./redact.ts";
import { RedactingExporter, redactSpan as redactSpanForSpool } from "./redacting_exporter.ts";
import { resourceAttributes } from "./resource.ts";
import type { DeliveryReport, TracingDeps, TracingRuntime } from "./types.ts";

function samplerFor(config: TracingConfig): Sampler {
  switch (config.sampler) {
    case "always":
      return new AlwaysOnSampler();
    case "never":
      return new AlwaysOffSampler();
    case "ratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.ratio) });
  }
}

async function otlpExporter(otlp: OtlpConfig): Promise<SpanExporter> {
  // Only the chosen encoding is loaded; both exporters take the same options.
  const [{ otlpHttpOptions }, { OTLPTraceExporter }] = await Promise.all([
    import("./otlp_options.ts"),
    otlp.protocol === "http/json"
      ? import("@opentelemetry/exporter-trace-otlp-http")
      : import("@opentelemetry/exporter-trace-otlp-proto"),
  ]);
  return new OTLPTraceExporter(otlpHttpOptions(otlp.tracesUrl, otlp.headers, otlp));
}

function batchProcessor(exporter: SpanExporter, config: TracingConfig): BatchSpanProcessor {
  return new BatchSpanProcessor(exporter, batchOptions(config.batch));
}

/** How long export requests already on the wire may take to answer when kodelet exits (background mode). */
const IN_FLIGHT_GRACE_MS = 20;

function delay(ms: number): { promise: Promise<"timeout">; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Starts tracing as configured and registers it globally for @opentelemetry/api. */
export async function startTracing(config: Config, deps: TracingDeps): Promise<TracingRuntime> {
  const tracing = config.tracing;
  if (deps.log) installDiagLogger(deps.log);
  const redact = createRedactor(config.secrets);
  // The spool is private to the user (like the conversations beside it) and only a way out: it gets
  // the known secrets, positions and patterns now, and the rules' scan from whoever sends it on.
  const redactForSpool = createRedactor(config.secrets, { scanRules: false });
  const processors: SpanProcessor[] = [];
  // Exporters that write locally (file, console): flushed at exit whatever the delivery mode.
  const local: SpanProcessor[] = [];
  let tracker: DeliveryTracker | undefined;

  for (const name of tracing.exporters) {
    if (name === "otlp") {
      tracker = new DeliveryTracker(tracing.batch.maxQueueSize);
      const exporter = new TrackedExporter(
        new RedactingExporter(new LazyExporter(() => otlpExporter(tracing.otlp)), redact),
        tracker,
      );
      processors.push(new TrackingProcessor(tracker), batchProcessor(exporter, tracing));
    } else if (name === "console") {
      local.push(
        new SimpleSpanProcessor(new RedactingExporter(new ConsoleLineExporter(deps.writeErr), redact)),
      );
    } else if (name === "file" && deps.fileExporter) {
      local.push(batchProcessor(new RedactingExporter(await deps.fileExporter(config), redact), tracing));
    }
  }

  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resourceAttributes(tracing)),
    sampler: samplerFor(tracing),
    spanProcessors: [...processors, ...local],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const parentContext: Context = propagation.extract(ROOT_CONTEXT, { ...tracing.parent });
  const background = tracing.delivery === "background" && tracker !== undefined;
  // In the background mode the spool is sent after the command, by a detached kodelet, not here.
  const resending = background
    ? Promise.resolve()
    : deps.resendSpool?.().catch(() => undefined) ?? Promise.resolve();

  /**
   * tracing.delivery = background: nothing waits on the network. Local exporters are flushed; export
   * requests already on the wire get a short grace (an answer spares sending those spans twice);
   * everything else goes to the spool, and a detached kodelet sends it after we are gone.
   */
  async function handOver(otlpTracker: DeliveryTracker): Promise<DeliveryReport> {
    const bound = delay(tracing.shutdownTimeoutMs);
    await Promise.race([Promise.all(local.map((p) => p.forceFlush().catch(() => undefined))), bound.promise]);
    bound.cancel();
    const grace = delay(IN_FLIGHT_GRACE_MS);
    await Promise.race([otlpTracker.settled(), grace.promise]);
    grace.cancel();
    const undelivered = otlpTracker.undelivered();
    const spooled = undelivered.length > 0 && deps.spool
      ? await deps.spool(undelivered.map((span) => redactSpanForSpool(span, redactForSpool)))
      : 0;
    const backgroundFailure = await deps.sendInBackground?.().catch(() => undefined);
    const lost = undelivered.length - spooled + otlpTracker.forgottenCount;
    return {
      undelivered: lost,
      destination: reportedDestination(lost, tracing.otlp.tracesUrl),
      reason: spooled < undelivered.length ? "the spool is full or cannot be written" : "spans were dropped",
      spooled,
      background: true,
      ...(backgroundFailure ? { backgroundFailure } : {}),
    };
  }

  return {
    parentContext,
    async shutdown(): Promise<DeliveryReport> {
      if (background && tracker) return await handOver(tracker);
      const bound = delay(tracing.shutdownTimeoutMs);
      const flushed = Promise.all([provider.forceFlush().catch(() => undefined), resending]);
      await Promise.race([flushed, bound.promise]);
      bound.cancel();
      const undelivered = tracker?.undelivered() ?? [];
      const lost = undelivered.length + (tracker?.forgottenCount ?? 0);
      const report: DeliveryReport = {
        undelivered: lost,
        destination: reportedDestination(lost, tracing.otlp.tracesUrl),
        // No export finished in time: the collector hung, or retries (connection refused, 429 with
        // a short Retry-After) were still going; either way, the bound ended the wait.
        reason: tracker?.lastFailure ?? `gave up after ${tracing.shutdownTimeoutMs / 1000}s`,
        spooled: 0,
      };
      if (undelivered.length > 0 && deps.spool) {
        report.spooled = await deps.spool(
          undelivered.map((span) => redactSpanForSpool(span, redactForSpool)),
        );
      }
      return report;
    },
  };
}
