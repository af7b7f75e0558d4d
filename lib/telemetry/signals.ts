/**
 * Starts the metrics and log-event runtimes the configuration asks for, installs their sinks for the
 * hooks in instruments.ts, and shuts both down the way spans are: with tracing.delivery = wait, by
 * flushing within tracing.shutdown_timeout; with background (the default), by flushing only the
 * local exporters and handing what the endpoint has not acknowledged to the spool, which the
 * detached sender delivers. Either way what is left is spooled and counted in the one warning line.
 * Imported dynamically, only when a signal is on.
 */
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { LogRecordProcessor, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import {
  type MetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import type { Config, SignalConfig } from "../config/mod.ts";
import { batchOptions } from "./batch_options.ts";
import { installSink } from "./instruments.ts";
import { meterProvider, metricsSink, pointCount, temporalitySelector } from "./metrics.ts";
import { createRedactor, reportedDestination } from "./redact.ts";
import { resourceAttributes } from "./resource.ts";
import {
  LedgerLogProcessor,
  SignalLedger,
  TrackedLogExporter,
  TrackedMetricExporter,
} from "./signal_delivery.ts";
import { ConsoleLogLineExporter, ConsoleMetricLineExporter } from "./signal_console.ts";
import { LogFileExporter, MetricFileExporter } from "./signal_files.ts";
import { JsonLogsSerializer, JsonMetricsSerializer } from "./signal_json.ts";
import { LazyLogExporter, LazyMetricExporter } from "./lazy_exporter.ts";
import { type OtherSignal, resendSignal, spoolSignal } from "./signal_resend.ts";
import type { DeliveryReport } from "./types.ts";

/** What the signal runtimes need from outside. */
export interface SignalDeps {
  writeErr: (line: string) => void;
  /** Warnings about the local store and the spool (the logger's warn). */
  warn: (message: string) => void;
  /** Informational lines (what the resend sent). */
  info: (message: string) => void;
  /** Hand-over mode: the detached sender delivers the spool, so nothing here waits on the network. */
  background: boolean;
}

/** The started runtimes. */
export interface SignalsRuntime {
  /** One report per signal that exports to OTLP. */
  shutdown(): Promise<DeliveryReport[]>;
}

/** How long an export already on the wire may take to answer in the hand-over (as for spans). */
const IN_FLIGHT_GRACE_MS = 20;

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

async function within(ms: number, work: Promise<unknown>): Promise<void> {
  const bound = delay(ms);
  await Promise.race([work.catch(() => undefined), bound.promise]);
  bound.cancel();
}

/** One signal's runtime as the shutdown sees it. */
interface Part {
  /** Flushes the exporters that write locally (file, console). */
  flushLocal(): Promise<void>;
  /** Flushes the OTLP exporter: the last collection is sent. */
  flushOtlp(): Promise<void>;
  /** Hand-over: the last collection goes to the ledger (and so to the spool) without being sent. */
  handOver(): Promise<void>;
  /** Spools what the endpoint has not acknowledged; undefined when the signal does not export to OTLP. */
  report(): Promise<DeliveryReport | undefined>;
  /** Resolves once none of the signal's OTLP exports waits for its answer. */
  settled(): Promise<void>;
  /** Stops taking records (no provider shutdown: a second flush would send what is in the spool now). */
  close(): void;
}

function storeOptions(config: Config, deps: SignalDeps) {
  return {
    storeDir: config.tracing.storeDir,
    maxBytes: Math.max(64 * 1024, Math.floor(config.tracing.storeMaxBytes / 4)),
    onWarning: deps.warn,
  };
}

/** Spools the undelivered items as one batch each and builds the signal's report. */
async function reportAndSpool<T>(
  config: Config,
  signal: OtherSignal,
  ledger: SignalLedger<T>,
  deps: SignalDeps,
  batches: (left: T[]) => { body: Uint8Array | undefined; count: number }[],
): Promise<DeliveryReport> {
  const settings: SignalConfig = config[signal];
  let total = ledger.forgottenCount;
  let spooled = 0;
  for (const batch of batches(ledger.undelivered())) {
    total += batch.count;
    spooled += await spoolSignal(config, signal, batch.body, batch.count).catch((error) => {
      deps.warn(`Could not keep undelivered ${signal} in the spool: ${String(error)}`);
      return 0;
    });
  }
  const what = signal === "metrics" ? "metric point" : "log record";
  if (deps.background) {
    // Spooled is delivered later by the sender: only what was dropped is news.
    return {
      what,
      undelivered: total - spooled,
      destination: reportedDestination(total - spooled, settings.url),
      reason: "the spool is full or cannot be written",
      spooled,
      background: true,
    };
  }
  return {
    what,
    undelivered: total,
    destination: reportedDestination(total, settings.url),
    reason: ledger.lastFailure ?? `gave up after ${config.tracing.shutdownTimeoutMs / 1000}s`,
    spooled,
  };
}

function startMetrics(config: Config, deps: SignalDeps): Part {
  const exporters: PushMetricExporter[] = [];
  let ledger: SignalLedger<ResourceMetrics> | undefined;
  let otlp: PushMetricExporter | undefined;
  for (const name of config.metrics.exporters) {
    if (name === "otlp") {
      ledger = new SignalLedger(64);
      const load = async () => {
        const { OtlpMetricExporter } = await import("./otlp_metric_exporter.ts");
        return new OtlpMetricExporter(config.metrics, config.tracing.otlp);
      };
      otlp = new TrackedMetricExporter(
        new LazyMetricExporter(load, temporalitySelector(config.metrics.temporality)),
        ledger,
      );
      exporters.push(otlp);
    } else if (name === "console") {
      exporters.push(new ConsoleMetricLineExporter(deps.writeErr));
    } else if (name === "file") {
      exporters.push(new MetricFileExporter(storeOptions(config, deps)));
    }
  }
  const readers = new Map<PushMetricExporter, MetricReader>(
    exporters.map((exporter) => [
      exporter,
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.metrics.exportIntervalMs,
        // An export may not outlive the request timeout; the shutdown bound cuts it shorter still.
        exportTimeoutMillis: Math.min(config.tracing.otlp.timeoutMs, config.metrics.exportIntervalMs),
      }),
    ]),
  );
  const provider = meterProvider(config, [...readers.values()]);
  const remove = installSink(metricsSink(provider, config, createRedactor(config.secrets)));
  const flush = (keep: (exporter: PushMetricExporter) => boolean) =>
    Promise.all([...readers].filter(([exporter]) => keep(exporter)).map(([, reader]) => reader.forceFlush()))
      .then(() => undefined);
  return {
    flushLocal: () => flush((exporter) => exporter !== otlp),
    flushOtlp: () => flush((exporter) => exporter === otlp),
    async handOver() {
      const reader = otlp ? readers.get(otlp) : undefined;
      if (!reader || !ledger) return;
      const { resourceMetrics } = await reader.collect();
      if (pointCount(resourceMetrics) > 0) ledger.waiting([resourceMetrics]);
    },
    async report() {
      if (!ledger) return undefined;
      return await reportAndSpool(
        config,
        "metrics",
        ledger,
        deps,
        (left) =>
          left.map((batch) => ({
            body: JsonMetricsSerializer.serializeRequest(batch),
            count: pointCount(batch),
          })),
      );
    },
    settled: () => ledger?.settled() ?? Promise.resolve(),
    close: remove,
  };
}

async function startLogs(config: Config, deps: SignalDeps): Promise<Part> {
  // Loaded here, not at the top: with logs off and metrics on, nothing of the logs SDK is evaluated.
  const [{ LoggerProvider, BatchLogRecordProcessor, SimpleLogRecordProcessor }, { logsSink }] = await Promise
    .all([
      import("@opentelemetry/sdk-logs"),
      import("./logs.ts"),
    ]);
  const local: LogRecordProcessor[] = [];
  const remote: LogRecordProcessor[] = [];
  let ledger: SignalLedger<ReadableLogRecord> | undefined;
  const batch = config.tracing.batch;
  for (const name of config.logs.exporters) {
    if (name === "otlp") {
      ledger = new SignalLedger(batch.maxQueueSize);
      // Only the chosen encoding is loaded, and only at the first export.
      const load = async () => {
        const [{ otlpHttpOptions }, { OTLPLogExporter }] = await Promise.all([
          import("./otlp_options.ts"),
          config.logs.protocol === "http/json"
            ? import("@opentelemetry/exporter-logs-otlp-http")
            : import("@opentelemetry/exporter-logs-otlp-proto"),
        ]);
        return new OTLPLogExporter(
          otlpHttpOptions(config.logs.url, config.logs.headers, config.tracing.otlp),
        );
      };
      remote.push(
        new LedgerLogProcessor(ledger),
        new BatchLogRecordProcessor({
          exporter: new TrackedLogExporter(new LazyLogExporter(load), ledger),
          ...batchOptions(batch),
        }),
      );
    } else if (name === "console") {
      local.push(new SimpleLogRecordProcessor({ exporter: new ConsoleLogLineExporter(deps.writeErr) }));
    } else if (name === "file") {
      local.push(
        new BatchLogRecordProcessor({
          exporter: new LogFileExporter(storeOptions(config, deps)),
          ...batchOptions(batch),
        }),
      );
    }
  }
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resourceAttributes(config.tracing)),
    processors: [...remote, ...local],
  });
  const remove = installSink(logsSink(provider.getLogger("kodelet"), config, createRedactor(config.secrets)));
  const flush = (processors: LogRecordProcessor[]) =>
    Promise.all(processors.map((processor) => processor.forceFlush())).then(() => undefined);
  return {
    flushLocal: () => flush(local),
    flushOtlp: () => flush(remote),
    // Every record the endpoint has not acknowledged is in the ledger already.
    handOver: () => Promise.resolve(),
    async report() {
      if (!ledger) return undefined;
      return await reportAndSpool(
        config,
        "logs",
        ledger,
        deps,
        (left) =>
          left.length === 0 ? [] : [{ body: JsonLogsSerializer.serializeRequest(left), count: left.length }],
      );
    },
    settled: () => ledger?.settled() ?? Promise.resolve(),
    close: remove,
  };
}

/** Starts metrics and log events as configured. */
export async function startSignals(config: Config, deps: SignalDeps): Promise<SignalsRuntime> {
  const parts: Part[] = [];
  const resending: Promise<unknown>[] = [];
  for (const signal of ["metrics", "logs"] as const) {
    const settings = config[signal];
    if (!settings.enabled || settings.exporters.every((name) => name === "none")) continue;
    parts.push(signal === "metrics" ? startMetrics(config, deps) : await startLogs(config, deps));
    // In the hand-over mode the detached sender sends the spool, not the command.
    if (settings.exporters.includes("otlp") && !deps.background) {
      resending.push(
        resendSignal(config, signal, deps).catch((error) =>
          deps.warn(`Could not send the ${signal} spool: ${String(error)}`)
        ),
      );
    }
  }
  return {
    async shutdown(): Promise<DeliveryReport[]> {
      const boundMs = config.tracing.shutdownTimeoutMs;
      if (deps.background) {
        // Nothing waits on the network: local exporters are flushed, the last collection goes to the
        // spool, and exports already on the wire (if any) get the spans' short grace.
        await within(boundMs, Promise.all(parts.map((part) => part.flushLocal())));
        await Promise.all(parts.map((part) => part.handOver().catch(() => undefined)));
        await within(IN_FLIGHT_GRACE_MS, Promise.all(parts.map((part) => part.settled())));
      } else {
        await within(
          boundMs,
          Promise.all([...parts.flatMap((part) => [part.flushLocal(), part.flushOtlp()]), ...resending]),
        );
      }
      const reports: DeliveryReport[] = [];
      for (const part of parts) {
        const result = await part.report();
        if (result) reports.push(result);
        part.close();
      }
      return reports;
    },
  };
}
