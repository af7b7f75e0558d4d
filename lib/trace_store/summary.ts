/**
 * What a trace amounts to, for `trace list` and the waterfall's header: when, which command, how
 * long, whether it failed, how many LLM and tool calls, tokens and cost.
 */
import { CMD, GEN_AI, KODELET } from "../telemetry/mod.ts";
import type { AttributeMap, StoredSpan } from "./otlp_json.ts";
import { STATUS } from "./otlp_json.ts";
import type { StoredTrace } from "./store.ts";

/** Attribute keys the summary reads: the names kodelet's own spans are written with. */
const KEY = {
  OPERATION: GEN_AI.OPERATION_NAME,
  INPUT_TOKENS: GEN_AI.USAGE_INPUT_TOKENS,
  CACHE_READ_TOKENS: GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS,
  CACHE_CREATION_TOKENS: GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS,
  OUTPUT_TOKENS: GEN_AI.USAGE_OUTPUT_TOKENS,
  TOTAL_INPUT_TOKENS: KODELET.TOTAL_INPUT_TOKENS,
  TOTAL_OUTPUT_TOKENS: KODELET.TOTAL_OUTPUT_TOKENS,
  COST: KODELET.COST_USD,
  COMMAND: CMD.NAME,
} as const;

/** One trace in a few figures. */
export interface TraceSummary {
  traceId: string;
  /** Start of the earliest span, in ms since the epoch. */
  startMs: number;
  durationMs: number;
  /** The root span's command.name ("run", "trace list"), else its span name. */
  command: string;
  /** The root span's status; "error" also when there is no root and some span failed. */
  status: "ok" | "error" | "unset";
  spanCount: number;
  errorCount: number;
  llmCalls: number;
  toolCalls: number;
  /**
   * Input tokens not read from or written to the prompt cache, of every LLM request in the trace
   * (subagents' included): the figure `run`'s summary and `conversation list` call "in".
   */
  inputTokens: number;
  outputTokens: number;
  /** Undefined when no span carries a cost. */
  costUsd: number | undefined;
}

/** Whether a span is an LLM request (`chat <model>`). */
export function isChatSpan(span: StoredSpan): boolean {
  const operation = span.attributes[KEY.OPERATION];
  return operation === "chat" || (operation === undefined && span.name.startsWith("chat "));
}

/** Whether a span is a tool execution (`execute_tool <name>`). */
export function isToolSpan(span: StoredSpan): boolean {
  const operation = span.attributes[KEY.OPERATION];
  return operation === "execute_tool" || (operation === undefined && span.name.startsWith("execute_tool "));
}

/** A numeric attribute, or undefined. */
export function numberAttribute(attributes: AttributeMap, key: string): number | undefined {
  const value = attributes[key];
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** Spans whose parent is not in the trace: the root, or pieces whose parent lives elsewhere. */
export function rootSpans(trace: StoredTrace): StoredSpan[] {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  return trace.spans.filter((span) => span.parentSpanId === "" || !ids.has(span.parentSpanId));
}

/**
 * Sums a figure over the LLM spans; when none carries it, falls back to the largest total recorded on
 * an enclosing span (the agent or command span), so that nothing is counted twice.
 */
function total(
  spans: readonly StoredSpan[],
  perCall: string | ((attributes: AttributeMap) => number | undefined),
  aggregate: string,
): number | undefined {
  const read = typeof perCall === "string"
    ? (attributes: AttributeMap) => numberAttribute(attributes, perCall)
    : perCall;
  let sum: number | undefined;
  for (const span of spans) {
    if (!isChatSpan(span)) continue;
    const value = read(span.attributes);
    if (value !== undefined) sum = (sum ?? 0) + value;
  }
  if (sum !== undefined) return sum;
  let largest: number | undefined;
  for (const span of spans) {
    const value = numberAttribute(span.attributes, aggregate);
    if (value !== undefined && (largest === undefined || value > largest)) largest = value;
  }
  return largest;
}

/**
 * A chat span's input tokens without the cached ones: the conventions' gen_ai.usage.input_tokens
 * counts cache reads and writes too, kodelet's own figures do not.
 */
function uncachedInput(attributes: AttributeMap): number | undefined {
  const input = numberAttribute(attributes, KEY.INPUT_TOKENS);
  if (input === undefined) return undefined;
  const cached = (numberAttribute(attributes, KEY.CACHE_READ_TOKENS) ?? 0) +
    (numberAttribute(attributes, KEY.CACHE_CREATION_TOKENS) ?? 0);
  return Math.max(0, input - cached);
}

function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

/** The summary of one trace. */
export function summarize(trace: StoredTrace): TraceSummary {
  const roots = rootSpans(trace);
  const root = roots.find((span) => span.parentSpanId === "") ?? roots[0];
  const command = root?.attributes[KEY.COMMAND];
  const errorCount = trace.spans.filter((span) => span.status.code === STATUS.ERROR).length;
  let status: TraceSummary["status"] = "unset";
  if (root?.status.code === STATUS.ERROR || (root?.parentSpanId !== "" && errorCount > 0)) status = "error";
  else if (root?.status.code === STATUS.OK) status = "ok";
  return {
    traceId: trace.traceId,
    startMs: nsToMs(trace.startNs),
    durationMs: nsToMs(trace.endNs - trace.startNs),
    command: typeof command === "string" && command !== "" ? command : (root?.name ?? "?"),
    status,
    spanCount: trace.spans.length,
    errorCount,
    llmCalls: trace.spans.filter(isChatSpan).length,
    toolCalls: trace.spans.filter(isToolSpan).length,
    inputTokens: total(trace.spans, uncachedInput, KEY.TOTAL_INPUT_TOKENS) ?? 0,
    outputTokens: total(trace.spans, KEY.OUTPUT_TOKENS, KEY.TOTAL_OUTPUT_TOKENS) ?? 0,
    costUsd: total(trace.spans, KEY.COST, KEY.COST),
  };
}
