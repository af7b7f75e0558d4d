/**
 * `kodelet usage`: what the runs on this machine used, from the log events in the local store:
 * LLM calls and their p50/p95 duration, tokens, cost, tool calls and failures, lines changed; in total
 * or by day (UTC), model, command or tool. It reads the store, so it works with or without an endpoint.
 */
import { UsageError } from "../errors.ts";
import { readUsageEvents, type UsageGrouping, usageReport, type UsageRow } from "../trace_store/mod.ts";
import type { Command } from "./command.ts";
import { formatCompact, formatCost, formatCount, formatDuration } from "./format.ts";

const GROUPINGS: readonly UsageGrouping[] = ["day", "model", "command", "tool"];
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

/** `--since 7d|24h|30m|DATE` as epoch milliseconds; a usage error naming the value otherwise. */
export function parseSince(value: string, nowMs: number): number {
  const relative = /^(\d+)([dhm])$/.exec(value.trim());
  if (relative) return nowMs - Number(relative[1]) * (UNIT_MS[relative[2] ?? "d"] ?? 0);
  // A bare date is the start of that day in UTC, as the day grouping is.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00Z` : value.trim();
  const ms = Date.parse(date);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()) || Number.isNaN(ms)) {
    throw new UsageError(
      `Invalid --since "${value}" (from the command line): give a duration such as 7d, 24h or 30m, or a date such as 2026-11-01`,
    );
  }
  return ms;
}

function parseBy(value: string | boolean | string[] | undefined): UsageGrouping | undefined {
  if (value === undefined) return undefined;
  const found = GROUPINGS.find((grouping) => grouping === String(value).trim().toLowerCase());
  if (!found) {
    throw new UsageError(
      `Invalid --by "${String(value)}" (from the command line): must be one of ${GROUPINGS.join(", ")}`,
    );
  }
  return found;
}

function total(rows: readonly UsageRow[]): UsageRow {
  const sum = (pick: (row: UsageRow) => number) => rows.reduce((acc, row) => acc + pick(row), 0);
  return {
    key: "total",
    llmCalls: sum((row) => row.llmCalls),
    llmErrors: sum((row) => row.llmErrors),
    // Percentiles do not add up: the total row shows none when grouped.
    p50Ms: undefined,
    p95Ms: undefined,
    inputTokens: sum((row) => row.inputTokens),
    outputTokens: sum((row) => row.outputTokens),
    cacheReadTokens: sum((row) => row.cacheReadTokens),
    cacheWriteTokens: sum((row) => row.cacheWriteTokens),
    costUsd: sum((row) => row.costUsd),
    toolCalls: sum((row) => row.toolCalls),
    toolFailures: sum((row) => row.toolFailures),
    linesAdded: sum((row) => row.linesAdded),
    linesRemoved: sum((row) => row.linesRemoved),
  };
}

interface Column {
  title: string;
  /** Which events the figure comes from: LLM calls or tool calls. */
  of: "llm" | "tool";
  cell: (row: UsageRow) => string;
}

const COLUMNS: Column[] = [
  { title: "LLM CALLS", of: "llm", cell: (row) => formatCount(row.llmCalls) },
  { title: "ERRORS", of: "llm", cell: (row) => formatCount(row.llmErrors) },
  { title: "P50", of: "llm", cell: (row) => (row.p50Ms === undefined ? "-" : formatDuration(row.p50Ms)) },
  { title: "P95", of: "llm", cell: (row) => (row.p95Ms === undefined ? "-" : formatDuration(row.p95Ms)) },
  { title: "INPUT", of: "llm", cell: (row) => formatCompact(row.inputTokens) },
  { title: "OUTPUT", of: "llm", cell: (row) => formatCompact(row.outputTokens) },
  { title: "CACHE R", of: "llm", cell: (row) => formatCompact(row.cacheReadTokens) },
  { title: "CACHE W", of: "llm", cell: (row) => formatCompact(row.cacheWriteTokens) },
  { title: "COST", of: "llm", cell: (row) => formatCost(row.costUsd) },
  { title: "TOOLS", of: "tool", cell: (row) => formatCount(row.toolCalls) },
  { title: "FAILED", of: "tool", cell: (row) => formatCount(row.toolFailures) },
  { title: "+LINES", of: "tool", cell: (row) => formatCount(row.linesAdded) },
  { title: "-LINES", of: "tool", cell: (row) => formatCount(row.linesRemoved) },
];

/**
 * The report as a table: one row per group, and a total row when grouped. Grouped by model only the
 * LLM figures apply, by tool only the tool figures.
 */
export function formatUsageTable(rows: readonly UsageRow[], by: UsageGrouping | undefined): string {
  const shown = by === undefined ? [...rows] : [...rows, total(rows)];
  const columns = COLUMNS.filter((column) =>
    by === "model" ? column.of === "llm" : by === "tool" ? column.of === "tool" : true
  );
  const cells = (row: UsageRow) => [
    ...(by === undefined ? [] : [row.key]),
    ...columns.map((column) => column.cell(row)),
  ];
  const titles = [...(by === undefined ? [] : [by.toUpperCase()]), ...columns.map((column) => column.title)];
  const table = [titles, ...shown.map(cells)];
  const widths = titles.map((_, index) => Math.max(...table.map((line) => line[index]?.length ?? 0)));
  // The key column is left-aligned, the figures right-aligned. Widths are the cells' own lengths, so
  // nothing is cut; keys are model, tool and command names.
  const render = (line: string[]) =>
    line.map((cell, index) =>
      by !== undefined && index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0)
    ).join("  ").trimEnd();
  return table.map(render).join("\n") + "\n";
}

function rowJson(row: UsageRow) {
  return {
    key: row.key,
    llmCalls: row.llmCalls,
    llmErrors: row.llmErrors,
    p50Ms: row.p50Ms ?? null,
    p95Ms: row.p95Ms ?? null,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    costUsd: Math.round(row.costUsd * 1e6) / 1e6,
    toolCalls: row.toolCalls,
    toolFailures: row.toolFailures,
    linesAdded: row.linesAdded,
    linesRemoved: row.linesRemoved,
  };
}

/** `kodelet usage`. */
export const usageCommand: Command = {
  path: ["usage"],
  summary: "tokens, cost, LLM calls (p50/p95), tool calls and failures, lines changed, from the local store",
  usage: "",
  flags: [
    { name: "since", type: "string", description: "7d (default), 24h, 30m, or a date such as 2026-11-01" },
    { name: "by", type: "string", description: "group by day (UTC), model, command or tool" },
    { name: "json", type: "boolean", description: "print JSON" },
  ],
  args: { min: 0, max: 0 },
  async run(context) {
    const flags = context.args.flags;
    const since = parseSince(flags.since === undefined ? "7d" : String(flags.since), Date.now());
    const by = parseBy(flags.by);
    const storeDir = context.config.tracing.storeDir;
    const rows = usageReport(await readUsageEvents(storeDir), since, by);
    const sinceText = new Date(since).toISOString().replace(/:\d\d\.\d{3}Z$/, " UTC").replace("T", " ");
    if (flags.json === true) {
      context.io.stdout(
        JSON.stringify(
          { since: new Date(since).toISOString(), by: by ?? null, rows: rows.map(rowJson) },
          null,
          2,
        ) +
          "\n",
      );
    } else if (rows.length === 0) {
      context.io.stdout(
        `No usage recorded since ${sinceText} in ${storeDir}. Runs record it when the logs signal writes to ` +
          "the local store: tracing on (KODELET_TRACING_ENABLED=true or an OTLP endpoint), logs.exporter with file (the default).\n",
      );
    } else {
      context.io.stdout(`Usage since ${sinceText}\n\n${formatUsageTable(rows, by)}`);
    }
    return 0;
  },
};
