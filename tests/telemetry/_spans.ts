/** Real ReadableSpans for exporter and processor tests, from a provider that is never registered globally. */
import type { Attributes } from "@opentelemetry/api";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/** What a test span carries. */
export interface SpanSpec {
  name?: string;
  attributes?: Attributes;
  event?: { name: string; attributes: Attributes };
  error?: string;
  /** false: made by an AlwaysOff sampler (not recorded, not sampled). */
  sampled?: boolean;
}

/** Ends one span per spec and returns them as an exporter would receive them. */
export async function makeSpans(
  specs: SpanSpec[],
  processors: SpanProcessor[] = [],
): Promise<ReadableSpan[]> {
  const spans: ReadableSpan[] = [];
  for (const spec of specs) {
    // One provider and exporter per span: shutting either down stops it for good.
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      sampler: spec.sampled === false ? new AlwaysOffSampler() : new AlwaysOnSampler(),
      spanProcessors: [new SimpleSpanProcessor(memory), ...processors],
    });
    const span = provider.getTracer("test").startSpan(spec.name ?? "test.span", {
      attributes: spec.attributes ?? {},
    });
    if (spec.event) span.addEvent(spec.event.name, spec.event.attributes);
    if (spec.error !== undefined) span.setStatus({ code: 2, message: spec.error });
    span.end();
    await provider.forceFlush();
    // Taken before shutdown: shutting the in-memory exporter down empties it.
    spans.push(...memory.getFinishedSpans());
    await provider.shutdown();
  }
  return spans;
}
