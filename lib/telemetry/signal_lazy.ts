/**
 * Metric and log exporters that load the real OTLP exporter on their first export, as
 * lazy_exporter.ts does for spans: a short command hands its metric points and log records to the
 * background sender at exit and never exports in-process, so it never pays for Node's http stack.
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

interface Exporter<T> {
  export(items: T, resultCallback: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

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
