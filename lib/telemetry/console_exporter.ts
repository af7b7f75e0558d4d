/**
 * A readable span printer for development: one line per span on stderr (stdout belongs to the
 * assistant's answer), with its duration, status, ids and attributes.
 */
import { SpanStatusCode } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

const STATUS = ["UNSET", "OK", "ERROR"] as const;

/** One line describing a span. */
export function formatSpanLine(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  const parent = span.parentSpanContext?.spanId ?? "-";
  const ms = hrTimeToMilliseconds(span.duration).toFixed(1);
  const status = STATUS[span.status.code] ?? "UNSET";
  const error = span.status.code === SpanStatusCode.ERROR && span.status.message
    ? ` "${span.status.message}"`
    : "";
  const attributes = Object.entries(span.attributes)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(" ");
  return `[span] ${span.name} ${ms}ms ${status}${error} trace=${traceId} span=${spanId} parent=${parent}` +
    (attributes === "" ? "" : ` ${attributes}`);
}

/** Writes each span as one line through `write` (stderr in the CLI). */
export class ConsoleLineExporter implements SpanExporter {
  constructor(private readonly write: (line: string) => void) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) this.write(formatSpanLine(span));
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
