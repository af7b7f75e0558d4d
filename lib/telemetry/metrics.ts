/**
 * The metrics runtime: a MeterProvider with one periodic reader per exporter, the instruments kodelet
 * records (names, units and buckets as the issue and the GenAI conventions give them), and the sink
 * that turns the hook calls of instruments.ts into measurements. Loaded only when metrics are on.
 *
 * The resource leaves out process.pid and service.instance.id: kodelet is a short-lived process, and
 * a per-process id would make every run a new time series in the backend.
 */
import type { Attributes } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  type AggregationTemporalitySelector,
  InstrumentType,
  MeterProvider,
  type MetricReader,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import type { Config, MetricsConfig } from "../config/mod.ts";
import { GEN_AI, GENERAL } from "./attributes.ts";
import { currentSessionId, type SignalSink } from "./instruments.ts";
import type { Redactor } from "./redact.ts";
import { resourceAttributes } from "./resource.ts";

/** Metric names and units, exactly as published (the dashboard and its test use these). */
export const METRICS = {
  TOKEN_USAGE: { name: "gen_ai.client.token.usage", unit: "{token}", kind: "histogram" },
  OPERATION_DURATION: { name: "gen_ai.client.operation.duration", unit: "s", kind: "histogram" },
  TIME_TO_FIRST_CHUNK: { name: "gen_ai.client.operation.time_to_first_chunk", unit: "s", kind: "histogram" },
  COST: { name: "kodelet.cost.usage", unit: "USD", kind: "counter" },
  TOKENS: { name: "kodelet.token.usage", unit: "{token}", kind: "counter" },
  TOOL_CALLS: { name: "kodelet.tool.calls", unit: "{call}", kind: "counter" },
  TOOL_DURATION: { name: "kodelet.tool.duration", unit: "s", kind: "histogram" },
  LINES_OF_CODE: { name: "kodelet.lines_of_code.count", unit: "{line}", kind: "counter" },
  SESSIONS: { name: "kodelet.session.count", unit: "{session}", kind: "counter" },
  RETRIES: { name: "kodelet.llm.retries", unit: "{retry}", kind: "counter" },
} as const;

/** The GenAI conventions' advisory boundaries for token counts. */
export const TOKEN_BUCKETS = [
  1,
  4,
  16,
  64,
  256,
  1024,
  4096,
  16384,
  65536,
  262144,
  1048576,
  4194304,
  16777216,
  67108864,
];
/** The GenAI conventions' advisory boundaries for durations in seconds. */
export const DURATION_BUCKETS = [
  0.01,
  0.02,
  0.04,
  0.08,
  0.16,
  0.32,
  0.64,
  1.28,
  2.56,
  5.12,
  10.24,
  20.48,
  40.96,
  81.92,
];

/** Resource attributes that identify one process, kept off metric data. */
const PER_PROCESS = ["process.pid", "service.instance.id"];

/** The metric resource: the tracing resource without per-process ids. */
export function metricResourceAttributes(config: Config): Record<string, string | number> {
  const attributes = resourceAttributes(config.tracing);
  for (const key of PER_PROCESS) delete attributes[key];
  return attributes;
}

function redactAttributes(attributes: Attributes, redact: Redactor): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) result[key] = typeof value === "string" ? redact(value) : value;
  }
  return result;
}

/** The sink that records measurements on a meter provider. */
export function metricsSink(provider: MeterProvider, config: Config, redact: Redactor): SignalSink {
  const meter = provider.getMeter("kodelet");
  const histogram = (spec: { name: string; unit: string }, description: string, buckets: number[]) =>
    meter.createHistogram(spec.name, {
      unit: spec.unit,
      description,
      advice: { explicitBucketBoundaries: buckets },
    });
  const counter = (spec: { name: string; unit: string }, description: string) =>
    meter.createCounter(spec.name, { unit: spec.unit, description });

  const tokenUsage = histogram(METRICS.TOKEN_USAGE, "Tokens per LLM operation", TOKEN_BUCKETS);
  const duration = histogram(METRICS.OPERATION_DURATION, "Duration of LLM operations", DURATION_BUCKETS);
  const firstChunk = histogram(
    METRICS.TIME_TO_FIRST_CHUNK,
    "Time to the first streamed chunk",
    DURATION_BUCKETS,
  );
  const cost = counter(METRICS.COST, "Cost of LLM requests in US dollars");
  const tokens = counter(METRICS.TOKENS, "Tokens by type, cache reads and writes included");
  const toolCalls = counter(METRICS.TOOL_CALLS, "Tool calls by outcome");
  const toolDuration = histogram(METRICS.TOOL_DURATION, "Duration of tool calls", DURATION_BUCKETS);
  const lines = counter(METRICS.LINES_OF_CODE, "Lines added and removed by file_write and file_edit");
  const sessions = counter(METRICS.SESSIONS, "kodelet commands run");
  const retries = counter(METRICS.RETRIES, "Retried LLM requests");

  // Low cardinality: never a session id unless the user asked for it.
  const common = (attributes: Attributes): Attributes => {
    const session = config.metrics.includeSessionId ? currentSessionId() : undefined;
    return redactAttributes(session ? { ...attributes, "session.id": session } : attributes, redact);
  };

  return {
    session(command) {
      sessions.add(1, common({ command }));
    },
    llmCall(record) {
      const base = {
        [GEN_AI.OPERATION_NAME]: "chat",
        [GEN_AI.PROVIDER_NAME]: record.provider,
        [GEN_AI.REQUEST_MODEL]: record.model,
      };
      duration.record(
        record.durationS,
        common(record.errorType ? { ...base, [GENERAL.ERROR_TYPE]: record.errorType } : base),
      );
      if (record.timeToFirstChunkS !== undefined) firstChunk.record(record.timeToFirstChunkS, common(base));
      const usage = record.usage;
      if (usage) {
        // The conventions' input count includes cache reads and writes (as the chat span's does).
        tokenUsage.record(
          usage.input + usage.cacheRead + usage.cacheWrite,
          common({ ...base, "gen_ai.token.type": "input" }),
        );
        tokenUsage.record(usage.output, common({ ...base, "gen_ai.token.type": "output" }));
        const byType = {
          input: usage.input,
          output: usage.output,
          cache_read: usage.cacheRead,
          cache_write: usage.cacheWrite,
        };
        for (const [type, count] of Object.entries(byType)) {
          if (count > 0) tokens.add(count, common({ type, model: record.model }));
        }
      }
      if (record.costUsd !== undefined && record.costUsd > 0) {
        cost.add(record.costUsd, common({ model: record.model, provider: record.provider }));
      }
    },
    retry(record) {
      retries.add(
        1,
        common({ [GENERAL.ERROR_TYPE]: record.errorType, [GEN_AI.PROVIDER_NAME]: record.provider }),
      );
    },
    toolCall(record) {
      toolCalls.add(1, common({ [GEN_AI.TOOL_NAME]: record.tool, outcome: record.outcome }));
      toolDuration.record(record.durationS, common({ [GEN_AI.TOOL_NAME]: record.tool }));
      if (record.linesAdded > 0) lines.add(record.linesAdded, common({ type: "added" }));
      if (record.linesRemoved > 0) lines.add(record.linesRemoved, common({ type: "removed" }));
    },
  };
}

/** A meter provider with the kodelet resource, read by the given readers. */
export function meterProvider(config: Config, readers: MetricReader[]): MeterProvider {
  return new MeterProvider({ resource: resourceFromAttributes(metricResourceAttributes(config)), readers });
}

/** What one metric point count is, for the warning line: data points in a batch. */
export function pointCount(batch: ResourceMetrics): number {
  let count = 0;
  for (const scope of batch.scopeMetrics) {
    for (const metric of scope.metrics) count += metric.dataPoints.length;
  }
  return count;
}

/**
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE as the spec defines it: delta and lowmemory keep
 * counters and histograms delta (up-down counters stay cumulative; kodelet has none).
 */
export function temporalitySelector(
  preference: MetricsConfig["temporality"],
): AggregationTemporalitySelector {
  return (type) => {
    if (preference === "cumulative") return AggregationTemporality.CUMULATIVE;
    switch (type) {
      case InstrumentType.COUNTER:
      case InstrumentType.HISTOGRAM:
        return AggregationTemporality.DELTA;
      case InstrumentType.OBSERVABLE_COUNTER:
        return preference === "delta" ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
      default:
        return AggregationTemporality.CUMULATIVE;
    }
  };
}
