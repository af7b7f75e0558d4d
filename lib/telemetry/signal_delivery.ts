/**
 * Delivery bookkeeping of metrics and log records, as delivery.ts does it for spans: what is handed
 * to the OTLP exporter waits in a ledger until an export that carried it succeeds; what is left when
 * the shutdown bound ends goes to the spool and into the one warning line.
 */
import type { ExportResult } from "@opentelemetry/core";
import type {
  LogRecordExporter,
  LogRecordProcessor,
  ReadableLogRecord,
  SdkLogRecord,
} from "@opentelemetry/sdk-logs";
import type {
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { ExportsInFlight, exportTracked } from "./delivery.ts";

/** Items waiting for delivery, by identity, oldest first, bounded; and the exports on the wire. */
export class SignalLedger<T> extends ExportsInFlight {
  readonly #pending = new Set<T>();
  #forgotten = 0;
  #lastFailure: string | undefined;

  constructor(private readonly maxPending = Number.POSITIVE_INFINITY) {
    super();
  }

  waiting(items: readonly T[]): void {
    for (const item of items) {
      this.#pending.add(item);
      if (this.#pending.size > this.maxPending) {
        const oldest = this.#pending.values().next().value;
        if (oldest !== undefined) this.#pending.delete(oldest);
        this.#forgotten++;
      }
    }
  }

  delivered(items: readonly T[]): void {
    for (const item of items) this.#pending.delete(item);
  }

  failed(reason: string): void {
    this.#lastFailure = reason;
  }

  undelivered(): T[] {
    return [...this.#pending];
  }

  get forgottenCount(): number {
    return this.#forgotten;
  }

  get lastFailure(): string | undefined {
    return this.#lastFailure;
  }
}

/** A metric exporter whose batches wait in the ledger until delivered (delta points exist only once). */
export class TrackedMetricExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly ledger: SignalLedger<ResourceMetrics>,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.ledger.waiting([metrics]);
    exportTracked(this.ledger, [metrics], (done) => this.inner.export(metrics, done), resultCallback);
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    // Every exporter kodelet wraps chooses its temporality.
    return this.inner.selectAggregationTemporality!(type);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Puts every emitted log record in the ledger (the batch processor that follows may still hold it). */
export class LedgerLogProcessor implements LogRecordProcessor {
  constructor(private readonly ledger: SignalLedger<ReadableLogRecord>) {}
  onEmit(record: SdkLogRecord): void {
    this.ledger.waiting([record]);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A log exporter that clears delivered records from the ledger. */
export class TrackedLogExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly ledger: SignalLedger<ReadableLogRecord>,
  ) {}

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    exportTracked(this.ledger, logs, (done) => this.inner.export(logs, done), resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
