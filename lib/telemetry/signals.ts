/**
 * Starts the metrics and log-event runtimes the configuration asks for, installs their sinks for the
 * hooks in instruments.ts, resends what earlier runs spooled, and shuts both down within the same
 * bound as tracing, spooling what was not delivered. Imported dynamically, only when a signal is on.
 */
import { join } from "node:path";
import { JsonLogsSerializer, JsonMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { LogRecordProcessor, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { Config, SignalConfig } from "../config/mod.ts";
import { installSink } from "./instruments.ts";
import { meterProvider, metricsSink, pointCount } from "./metrics.ts";
import { createRedactor, safeUrl } from "./redact.ts";
import { resourceAttributes } from "./resource.ts";
import {
  LedgerLogProcessor,
  SignalLedger,
  TrackedLogExporter,
  TrackedMetricExporter,
} from "./signal_delivery.ts";
import { ConsoleLogLineExporter, ConsoleMetricLineExporter } from "./signal_console.ts";
import { LogFileExporter, MetricFileExporter } from "./signal_files.ts";
import { otlpHttpOptions } from "./otlp_metric_exporter.ts";
import type { DeliveryReport } from "./types.ts";

/** What the signal runtimes need from outside. */
export interface SignalDeps {
  writeErr: (line: string) => void;
  /** Warnings about the local store and the spool (the logger's warn). */
  warn: (message: string) => void;
  /** Informational lines (what the resend sent). */
  info: (message: string) => void;
}

/** The started runtimes. */
export interface SignalsRuntime {
  /** Flushes within tracing.shutdown_timeout; one report per signal that exports to OTLP. */
  shutdown(): Promise<DeliveryReport[]>;
}

/** The spool folder of a signal, inside the trace spool. */
export function signalSpoolDir(config: Config, signal: "metrics" | "logs"): string {
  return join(config.tracing.storeDir, "spool", signal);
}

interface Part {
  flush(): Promise<void>;
  /** After the bound: what is left, spooled; undefined when the signal does not export to OTLP. */
  report(): Promise<DeliveryReport | undefined>;
  /** Stops taking records. */
  close(): void;
}

async function spool(
  config: Config,
  signal: "metrics" | "logs",
  body: Uint8Array | undefined,
  count: number,
) {
  if (!body || count === 0 || config.tracing.spoolMaxBytes === 0) return 0;
  const { spoolBatch } = await import("./spool.ts");
  const result = await spoolBatch(signalSpoolDir(config, signal), body, count, config.tracing.spoolMaxBytes);
  return result.kept;
}

function report(
  what: string,
  signal: SignalConfig,
  config: Config,
  undelivered: number,
  lastFailure: string | undefined,
): DeliveryReport {
  return {
    what,
    undelivered,
    destination: safeUrl(signal.url),
    reason: lastFailure ?? `gave up after ${config.tracing.shutdownTimeoutMs / 1000}s`,
    spooled: 0,
  };
}

async function startMetrics(config: Config, deps: SignalDeps): Promise<Part> {
  const redact = createRedactor(config.secrets);
  const exporters: PushMetricExporter[] = [];
  let ledger: SignalLedger<ResourceMetrics> | undefined;
  for (const name of config.metrics.exporters) {
    if (name === "otlp") {
      const { OtlpMetricExporter } = await import("./otlp_metric_exporter.ts");
      ledger = new SignalLedger(64);
      exporters.push(
        new TrackedMetricExporter(new OtlpMetricExporter(config.metrics, config.tracing.otlp), ledger),
      );
    } else if (name === "console") {
      exporters.push(new ConsoleMetricLineExporter(deps.writeErr));
    } else if (name === "file") {
      exporters.push(
        new MetricFileExporter({
          storeDir: config.tracing.storeDir,
          maxBytes: Math.max(64 * 1024, Math.floor(config.tracing.storeMaxBytes / 4)),
          onWarning: deps.warn,
        }),
      );
    }
  }
  const provider = meterProvider(config, exporters);
  const remove = installSink(metricsSink(provider, config, redact));
  return {
    flush: () => provider.forceFlush().catch(() => undefined),
    async report() {
      if (!ledger) return undefined;
      const left = ledger.undelivered();
      const points = left.reduce((sum, batch) => sum + pointCount(batch), 0);
      const result = report("metric point", config.metrics, config, points, ledger.lastFailure);
      for (const batch of left) {
        result.spooled += await spool(
          config,
          "metrics",
          JsonMetricsSerializer.serializeRequest(batch),
          pointCount(batch),
        )
          .catch((error) => {
            deps.warn(`Could not keep undelivered metrics in the spool: ${String(error)}`);
            return 0;
          });
      }
      return result;
    },
    close: remove,
  };
}

async function startLogs(config: Config, deps: SignalDeps): Promise<Part> {
  const redact = createRedactor(config.secrets);
  // Loaded here, not at the top: with logs off and metrics on, nothing of the logs SDK is evaluated.
  const [{ LoggerProvider, BatchLogRecordProcessor, SimpleLogRecordProcessor }, { logsSink }] = await Promise
    .all([
      import("@opentelemetry/sdk-logs"),
      import("./logs.ts"),
    ]);
  const processors: LogRecordProcessor[] = [];
  let ledger: SignalLedger<ReadableLogRecord> | undefined;
  const batch = config.tracing.batch;
  const batchOptions = {
    scheduledDelayMillis: batch.scheduleDelayMs,
    exportTimeoutMillis: batch.exportTimeoutMs,
    maxQueueSize: batch.maxQueueSize,
    maxExportBatchSize: Math.min(batch.maxExportBatchSize, batch.maxQueueSize),
  };
  for (const name of config.logs.exporters) {
    if (name === "otlp") {
      ledger = new SignalLedger(batch.maxQueueSize);
      const options = otlpHttpOptions(config.logs.url, config.logs.headers, config.tracing.otlp);
      const { OTLPLogExporter } = config.logs.protocol === "http/json"
        ? await import("@opentelemetry/exporter-logs-otlp-http")
        : await import("@opentelemetry/exporter-logs-otlp-proto");
      processors.push(
        new LedgerLogProcessor(ledger),
        new BatchLogRecordProcessor({
          exporter: new TrackedLogExporter(new OTLPLogExporter(options), ledger),
          ...batchOptions,
        }),
      );
    } else if (name === "console") {
      processors.push(new SimpleLogRecordProcessor({ exporter: new ConsoleLogLineExporter(deps.writeErr) }));
    } else if (name === "file") {
      const exporter = new LogFileExporter({
        storeDir: config.tracing.storeDir,
        maxBytes: Math.max(64 * 1024, Math.floor(config.tracing.storeMaxBytes / 4)),
        onWarning: deps.warn,
      });
      processors.push(new BatchLogRecordProcessor({ exporter, ...batchOptions }));
    }
  }
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resourceAttributes(config.tracing)),
    processors,
  });
  const remove = installSink(logsSink(provider.getLogger("kodelet"), config, redact));
  return {
    flush: () => provider.forceFlush().catch(() => undefined),
    async report() {
      if (!ledger) return undefined;
      const left = ledger.undelivered();
      const result = report(
        "log record",
        config.logs,
        config,
        left.length + ledger.forgottenCount,
        ledger.lastFailure,
      );
      if (left.length > 0) {
        result.spooled = await spool(config, "logs", JsonLogsSerializer.serializeRequest(left), left.length)
          .catch(
            (error) => {
              deps.warn(`Could not keep undelivered log records in the spool: ${String(error)}`);
              return 0;
            },
          );
      }
      return result;
    },
    close: remove,
  };
}

/** Sends what earlier runs spooled for one signal, as OTLP/JSON (every OTLP/HTTP receiver takes JSON). */
async function resend(config: Config, signal: "metrics" | "logs", deps: SignalDeps): Promise<void> {
  const dir = signalSpoolDir(config, signal);
  const { listBatches, resendBatches } = await import("./spool.ts");
  if ((await listBatches(dir)).length === 0) return;
  const { configuredTarget, postOtlp } = await import("./otlp_send.ts");
  const settings = config[signal];
  const target = { ...configuredTarget(config.tracing.otlp, settings.url), headers: settings.headers };
  const result = await resendBatches(
    dir,
    (body) => postOtlp(target, { body, contentType: "application/json" }),
  );
  const what = signal === "metrics" ? "metric points" : "log records";
  if (result.sentSpans > 0) {
    deps.info(`Sent ${result.sentSpans} ${what} of earlier runs from the spool to ${safeUrl(settings.url)}`);
  }
  if (result.rejectedSpans > 0) {
    deps.warn(`Dropped ${result.rejectedSpans} spooled ${what} that ${safeUrl(settings.url)} refused`);
  }
}

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Starts metrics and log events as configured. */
export async function startSignals(config: Config, deps: SignalDeps): Promise<SignalsRuntime> {
  const parts: Part[] = [];
  const resending: Promise<void>[] = [];
  for (const signal of ["metrics", "logs"] as const) {
    const settings = config[signal];
    if (!settings.enabled || settings.exporters.every((name) => name === "none")) continue;
    parts.push(signal === "metrics" ? await startMetrics(config, deps) : await startLogs(config, deps));
    if (settings.exporters.includes("otlp")) {
      resending.push(
        resend(config, signal, deps).catch((error) =>
          deps.warn(`Could not send the ${signal} spool: ${String(error)}`)
        ),
      );
    }
  }
  return {
    async shutdown(): Promise<DeliveryReport[]> {
      const bound = delay(config.tracing.shutdownTimeoutMs);
      await Promise.race([Promise.all([...parts.map((part) => part.flush()), ...resending]), bound.promise]);
      bound.cancel();
      const reports: DeliveryReport[] = [];
      for (const part of parts) {
        const result = await part.report();
        if (result) reports.push(result);
      }
      // Not shut down: a second flush would send again what is in the spool now. What is still in
      // flight is abandoned when the process exits.
      for (const part of parts) part.close();
      return reports;
    },
  };
}
