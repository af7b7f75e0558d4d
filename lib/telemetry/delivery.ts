/**
 * Knows which spans reached the OTLP endpoint. Every sampled span is remembered when it ends and
 * forgotten when an export that carried it succeeds; whatever is left at shutdown was not delivered,
 * is counted in the one warning line, and is handed to the spool.
 */
import type { Context } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { classifyNetworkError, type NetworkErrorKind } from "./network_error.ts";

function spanKey(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  return `${traceId}/${spanId}`;
}

/** Plain words for an export failure, never including header values or the request body. */
export function describeExportError(error: unknown): string {
  if (!(error instanceof Error)) return "export failed";
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number") return `HTTP ${code}`;
  // The exporter's words for a 429, 502, 503 or 504 whose Retry-After lies beyond its deadline.
  if (/retryable status/i.test(error.message)) {
    return "the collector is busy or unavailable (HTTP 429, 502, 503 or 504)";
  }
  const words: Record<NetworkErrorKind, string | undefined> = {
    refused: "connection refused",
    dns: "host not found",
    tls: "TLS error",
    timeout: "timed out",
    reset: "connection reset",
    network: undefined,
  };
  return words[classifyNetworkError(error).kind] ?? error.message.split("\n")[0] ?? "export failed";
}

/**
 * Export requests on the wire, counted so that a hand-over at exit gives them their short grace only
 * while there are some, instead of always waiting it out. Spans, metrics and log records share it.
 */
export class ExportsInFlight {
  #inFlight = 0;
  #whenSettled: (() => void)[] = [];

  /** An export request went out. */
  sending(): void {
    this.#inFlight++;
  }

  /** An export request came back (either way). */
  answered(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (this.#inFlight === 0) { for (const resolve of this.#whenSettled.splice(0)) resolve(); }
  }

  /** Resolves once no export request is waiting for its answer. */
  settled(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#whenSettled.push(resolve));
  }
}

/** The ledger of spans waiting for delivery. */
export class DeliveryTracker extends ExportsInFlight {
  readonly #pending = new Map<string, ReadableSpan>();
  #delivered = 0;
  #forgotten = 0;
  #lastFailure: string | undefined;

  /**
   * maxPending bounds the memory a long run can hold while the collector is down (the batch
   * processor's queue is bounded the same way); past it the oldest spans are forgotten, and counted.
   */
  constructor(private readonly maxPending = Number.POSITIVE_INFINITY) {
    super();
  }

  /** A span ended and was sampled: it now waits for delivery. */
  ended(span: ReadableSpan): void {
    this.#pending.set(spanKey(span), span);
    if (this.#pending.size > this.maxPending) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
      this.#forgotten++;
    }
  }

  /** Spans that were never delivered and are no longer held (past maxPending). */
  get forgottenCount(): number {
    return this.#forgotten;
  }

  /** An export that carried these spans succeeded. */
  delivered(spans: readonly ReadableSpan[]): void {
    for (const span of spans) {
      if (this.#pending.delete(spanKey(span))) this.#delivered++;
    }
  }

  /** An export failed; the spans stay pending. */
  failed(reason: string): void {
    this.#lastFailure = reason;
  }

  /** Spans not (yet) delivered, oldest first. */
  undelivered(): ReadableSpan[] {
    return [...this.#pending.values()];
  }

  /** How many spans were delivered so far. */
  get deliveredCount(): number {
    return this.#delivered;
  }

  /** The last failure, in plain words. */
  get lastFailure(): string | undefined {
    return this.#lastFailure;
  }
}

/** A span processor that tells the tracker about every sampled span that ends. */
export class TrackingProcessor implements SpanProcessor {
  constructor(private readonly tracker: DeliveryTracker) {}
  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(span: ReadableSpan): void {
    if (span.spanContext().traceFlags & 1) this.tracker.ended(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** What exportTracked tells of an export: the spans' tracker, or a metrics or log records ledger. */
export interface ExportLedger<T> {
  sending(): void;
  answered(): void;
  delivered(items: readonly T[]): void;
  failed(reason: string): void;
}

/** Hands items to an exporter (send), with the ledger told of the request and of its outcome. */
export function exportTracked<T>(
  ledger: ExportLedger<T>,
  items: readonly T[],
  send: (done: (result: ExportResult) => void) => void,
  callback: (result: ExportResult) => void,
): void {
  ledger.sending();
  try {
    send((result) => {
      if (result.code === ExportResultCode.SUCCESS) ledger.delivered(items);
      else ledger.failed(describeExportError(result.error));
      ledger.answered();
      callback(result);
    });
  } catch (error) {
    ledger.answered();
    ledger.failed(describeExportError(error));
    callback({
      code: ExportResultCode.FAILED,
      error: error instanceof Error ? error : new Error(String(error)),
    });
  }
}

/** Wraps an exporter and reports the outcome of each export to the tracker. */
export class TrackedExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter, private readonly tracker: DeliveryTracker) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    exportTracked(this.tracker, spans, (done) => this.inner.export(spans, done), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
