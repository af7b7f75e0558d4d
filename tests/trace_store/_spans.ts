/** Test spans built directly as SDK ReadableSpans (no tracer needed), with unique random ids. */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

const RESOURCE = resourceFromAttributes({ "service.name": "kodelet-test" });

export { randomHex } from "../../lib/bytes.ts";
import { randomHex } from "../../lib/bytes.ts";

/** What a test span may carry. */
export interface SpanSpec {
  traceId?: string;
  parentSpanId?: string;
  name?: string;
  startMs?: number;
  durationMs?: number;
  attributes?: Record<string, string | number | boolean>;
  error?: string;
}

/** One finished span. */
export function makeSpan(spec: SpanSpec = {}): ReadableSpan {
  const traceId = spec.traceId ?? randomHex(16);
  const spanId = randomHex(8);
  const startMs = spec.startMs ?? Date.now();
  const durationMs = spec.durationMs ?? 5;
  const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  return {
    name: spec.name ?? "test span",
    kind: SpanKind.INTERNAL,
    spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
    ...(spec.parentSpanId
      ? { parentSpanContext: { traceId, spanId: spec.parentSpanId, traceFlags: 1 } }
      : {}),
    startTime: hr(startMs),
    endTime: hr(startMs + durationMs),
    status: spec.error ? { code: SpanStatusCode.ERROR, message: spec.error } : { code: SpanStatusCode.OK },
    attributes: spec.attributes ?? {},
    links: [],
    events: [],
    duration: hr(durationMs),
    ended: true,
    resource: RESOURCE,
    instrumentationScope: { name: "kodelet-test", version: "1" },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** `count` spans of one new trace. */
export function makeTrace(
  count: number,
  attributes: Record<string, string | number | boolean> = {},
): ReadableSpan[] {
  const traceId = randomHex(16);
  return Array.from(
    { length: count },
    (_, index) => makeSpan({ traceId, name: `span ${index}`, attributes }),
  );
}

/** The "traceId/spanId" keys of spans, for exactly-once comparisons. */
export function spanKeys(spans: readonly { spanContext(): { traceId: string; spanId: string } }[]): string[] {
  return spans.map((span) => `${span.spanContext().traceId}/${span.spanContext().spanId}`);
}
