/** The table `kodelet trace list` prints: one line per trace, fitted to the terminal's width. */
import { formatCompact, formatCost, formatDuration, formatTime, palette } from "./format.ts";
import { padLeft, padRight, widthOf } from "./columns.ts";
import type { TraceSummary } from "../trace_store/mod.ts";

/** How to draw the table. */
export interface TableOptions {
  width: number;
  color: boolean;
  /** Times in UTC instead of local time (reproducible output). */
  utc?: boolean;
}

/** Characters of a trace id shown; `trace show` accepts any unique prefix. */
export const SHORT_ID_LENGTH = 8;

interface Column {
  title: string;
  width: number;
  align: "left" | "right";
  /** Spaces before the column. */
  gap: number;
  cell(summary: TraceSummary): string;
}

function statusWord(summary: TraceSummary): string {
  return summary.status === "error" ? "ERROR" : summary.status === "ok" ? "ok" : "-";
}

/** Renders summaries (newest first) as a table with a header line. */
export function formatTraceTable(summaries: readonly TraceSummary[], options: TableOptions): string {
  const paint = palette(options.color);
  const utc = options.utc ?? false;
  // Below 100 columns the year and seconds go, so the command keeps room at 80.
  const wide = options.width >= 100;
  const started = (summary: TraceSummary) => {
    const text = formatTime(summary.startMs, utc);
    return wide ? text : text.slice(5, 16);
  };
  const fixed: Column[] = [
    {
      title: "TRACE",
      width: SHORT_ID_LENGTH,
      align: "left",
      gap: 0,
      cell: (s) => s.traceId.slice(0, SHORT_ID_LENGTH),
    },
    { title: "STARTED", width: wide ? 19 : 11, align: "left", gap: 2, cell: started },
    { title: "COMMAND", width: 0, align: "left", gap: 2, cell: (s) => s.command },
    { title: "DURATION", width: 8, align: "right", gap: 1, cell: (s) => formatDuration(s.durationMs) },
    { title: "STATUS", width: 6, align: "left", gap: 2, cell: statusWord },
    { title: "LLM", width: 3, align: "right", gap: 1, cell: (s) => String(s.llmCalls) },
    { title: "TOOLS", width: 5, align: "right", gap: 1, cell: (s) => String(s.toolCalls) },
    {
      title: "TOKENS",
      width: 6,
      align: "right",
      gap: 1,
      cell: (s) => formatCompact(s.inputTokens + s.outputTokens),
    },
    {
      title: "COST",
      width: 7,
      align: "right",
      gap: 1,
      cell: (s) => formatCost(s.costUsd),
    },
  ];
  const used = fixed.reduce((sum, column) => sum + column.gap + column.width, 0);
  const longest = Math.max(7, ...summaries.map((summary) => widthOf(summary.command)));
  const command = fixed[2];
  if (command) command.width = Math.max(7, Math.min(longest, options.width - used));

  const line = (cells: (column: Column) => string, colour: (column: Column, text: string) => string) =>
    fixed.map((column) => {
      const text = column.align === "left"
        ? padRight(cells(column), column.width)
        : padLeft(cells(column), column.width);
      return " ".repeat(column.gap) + colour(column, text);
    }).join("").trimEnd();

  const header = paint.dim(line((column) => column.title, (_column, text) => text));
  const rows = summaries.map((summary) =>
    line((column) => column.cell(summary), (column, text) => {
      if (column.title !== "STATUS") return text;
      return summary.status === "error" ? paint.bold(paint.red(text)) : paint.green(text);
    })
  );
  return [header, ...rows].join("\n") + "\n";
}
