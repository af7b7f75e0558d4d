/**
 * Exporters that load the real OTLP exporter on their first export, for all three signals. The OTLP
 * exporters pull in Node's http, zlib and stream modules (over 150 ms on our machines); a short
 * command whose spans, metric points and log records are handed to the background sender at exit
 * never exports in-process, and so never pays for them.
 */
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type {
  AggregationTemporality,
  AggregationTemporalitySelector,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

interface Exporter<T> {
  export(items: T, resultCallback: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Wraps `load`, called at most once, when the first batch is exported. */
class Lazy<T> {
  #loading: Promise<Exporter<T>> | undefined;
  constructor(private readonly load: () => Promise<Exporter<T>>) {}

  export(items: T, resultCallback: (result: ExportResult) => void): void {
    this.#loading ??= this.load();
    this.#loading.then(
      (exporter) => exporter.export(items, resultCallback),
      (error) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  async forceFlush(): Promise<void> {
    if (this.#loading) await (await this.#loading).forceFlush?.();
  }

  async shutdown(): Promise<void> {
    if (this.#loading) await (await this.#loading).shutdown();
  }
}

/** A metric exporter loaded at its first export; it knows its temporality before that. */
export class LazyMetricExporter extends Lazy<ResourceMetrics> implements PushMetricExporter {
  constructor(
    load: () => Promise<PushMetricExporter>,
    private readonly select: AggregationTemporalitySelector,
  ) {
    super(load);
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return this.select(type);
  }
}

/** A log record exporter loaded at its first export. */
export class LazyLogExporter extends Lazy<ReadableLogRecord[]> implements LogRecordExporter {}

/** A span exporter loaded at its first export. */
export class LazyExporter extends Lazy<ReadableSpan[]> implements SpanExporter {}
