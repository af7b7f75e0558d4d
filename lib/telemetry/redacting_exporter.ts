/**
 * Last line of defence for privacy: every string attribute, event attribute and status message is
 * passed through the redactor before any exporter sees it, so a secret that slipped into an error
 * message or captured content never leaves the process.
 */
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter, TimedEvent } from "@opentelemetry/sdk-trace-base";
import type { Redactor } from "./redact.ts";

function redactValue(value: AttributeValue | undefined, redact: Redactor): AttributeValue | undefined {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) {
    return value.map((item) => (typeof item === "string" ? redact(item) : item)) as AttributeValue;
  }
  return value;
}

function redactAttributes(attributes: Attributes, redact: Redactor): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) result[key] = redactValue(value, redact);
  return result;
}

/** A copy of the span whose recorded texts went through the redactor. */
export function redactSpan(span: ReadableSpan, redact: Redactor): ReadableSpan {
  const events: TimedEvent[] = span.events.map((event) => ({
    ...event,
    ...(event.attributes ? { attributes: redactAttributes(event.attributes, redact) } : {}),
  }));
  const status = span.status.message === undefined
    ? span.status
    : { ...span.status, message: redact(span.status.message) };
  return {
    // Names carry the model (`chat <model>`); a credential typed as a model name must not leak.
    name: redact(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status,
    attributes: redactAttributes(span.attributes, redact),
    links: span.links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Wraps an exporter so that it only ever sees redacted spans. */
export class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter, private readonly redact: Redactor) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map((span) => redactSpan(span, this.redact)), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
