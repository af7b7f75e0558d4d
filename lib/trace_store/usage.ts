/**
 * `kodelet usage` figures, read from the log events in the local store
 * (`<store>/signals/events.jsonl`, one OTLP/JSON ExportLogsServiceRequest per line, written by the
 * logs signal's `file` exporter): tokens, cost, LLM calls and their p50/p95 duration, tool calls and
 * failures, lines changed, in total or grouped by day, model, command or tool.
 */
import { join } from "node:path";
import { type AttributeMap, attributeMap } from "./otlp_json.ts";

/** Where the events are, inside the trace store. */
export const EVENTS_PATH = join("signals", "events.jsonl");

/** One event of the store, as usage needs it. */
export interface UsageEvent {
  name: string;
  timeMs: number;
  attributes: AttributeMap;
}

/** How rows are grouped. */
export type UsageGrouping = "day" | "model" | "command" | "tool";

/** One row of the report. */
export interface UsageRow {
  key: string;
  llmCalls: number;
  llmErrors: number;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  /** Input tokens without cache reads and writes (those have their own columns). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  toolCalls: number;
  toolFailures: number;
  linesAdded: number;
  linesRemoved: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The events of one export request line; lines that are not requests give none. */
function eventsOfLine(line: string): UsageEvent[] {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return [];
  }
  if (!isObject(request)) return [];
  const events: UsageEvent[] = [];
  for (const resourceLogs of list(request.resourceLogs)) {
    if (!isObject(resourceLogs)) continue;
    for (const scopeLogs of list(resourceLogs.scopeLogs)) {
      if (!isObject(scopeLogs)) continue;
      for (const record of list(scopeLogs.logRecords)) {
        if (!isObject(record)) continue;
        const attributes = attributeMap(record.attributes);
        const name = typeof record.eventName === "string" && record.eventName !== ""
          ? record.eventName
          : typeof attributes["event.name"] === "string"
          ? attributes["event.name"]
          : "";
        if (!name.startsWith("kodelet.")) continue;
        const nanos = String(record.timeUnixNano ?? record.observedTimeUnixNano ?? "0");
        events.push({
          name,
          timeMs: Number(BigInt(/^\d+$/.test(nanos) ? nanos : "0") / 1_000_000n),
          attributes,
        });
      }
    }
  }
  return events;
}

/** Every kodelet event in the store (none when the store has no events file yet). */
export async function readUsageEvents(storeDir: string): Promise<UsageEvent[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(storeDir, EVENTS_PATH));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return text.split("\n").filter((line) => line.trim() !== "").flatMap(eventsOfLine);
}

function numberOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function textOf(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function keyOf(event: UsageEvent, by: UsageGrouping | undefined): string {
  switch (by) {
    case undefined:
      return "total";
    case "day":
      return new Date(event.timeMs).toISOString().slice(0, 10);
    case "model":
      return textOf(event.attributes["gen_ai.request.model"], "-");
    case "command":
      return textOf(event.attributes["command.name"], "-");
    case "tool":
      return textOf(event.attributes["gen_ai.tool.name"], "-");
  }
}

/** The report: one row per group (sorted by key), from the events at or after `sinceMs`. */
export function usageReport(events: readonly UsageEvent[], sinceMs: number, by?: UsageGrouping): UsageRow[] {
  const rows = new Map<string, UsageRow & { durations: number[] }>();
  for (const event of events) {
    if (event.timeMs < sinceMs) continue;
    const relevant = event.name === "kodelet.api_request" || event.name === "kodelet.api_error" ||
      event.name === "kodelet.tool_result";
    if (!relevant) continue;
    // By tool, LLM calls belong to no tool; by model, tool calls to no model: left out, not "-".
    if (by === "tool" && event.name !== "kodelet.tool_result") continue;
    if (by === "model" && event.name === "kodelet.tool_result") continue;
    const key = keyOf(event, by);
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        llmCalls: 0,
        llmErrors: 0,
        p50Ms: undefined,
        p95Ms: undefined,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0,
        toolCalls: 0,
        toolFailures: 0,
        linesAdded: 0,
        linesRemoved: 0,
        durations: [],
      };
      rows.set(key, row);
    }
    const a = event.attributes;
    if (event.name === "kodelet.api_request") {
      row.llmCalls++;
      row.durations.push(numberOf(a.duration_ms));
      const cacheRead = numberOf(a["gen_ai.usage.cache_read.input_tokens"]);
      const cacheWrite = numberOf(a["gen_ai.usage.cache_creation.input_tokens"]);
      // The event's input count is the conventions' (cache reads and writes included); the report
      // shows them apart, as kodelet.token.usage counts them, so the columns add up to what was sent.
      row.inputTokens += Math.max(0, numberOf(a["gen_ai.usage.input_tokens"]) - cacheRead - cacheWrite);
      row.outputTokens += numberOf(a["gen_ai.usage.output_tokens"]);
      row.cacheReadTokens += cacheRead;
      row.cacheWriteTokens += cacheWrite;
      row.costUsd += numberOf(a["kodelet.cost.usd"]);
    } else if (event.name === "kodelet.api_error") {
      // A retried attempt is not a failed call: only the final error counts.
      if (a.will_retry !== true) row.llmErrors++;
    } else {
      row.toolCalls++;
      if (a.outcome !== "ok") row.toolFailures++;
      row.linesAdded += numberOf(a["kodelet.lines.added"]);
      row.linesRemoved += numberOf(a["kodelet.lines.removed"]);
    }
  }
  return [...rows.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ durations, ...row }) => {
      const sorted = durations.sort((x, y) => x - y);
      return { ...row, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
    });
}
