/**
 * The waterfall `kodelet trace show` draws: the span tree, one line per span with a bar placed and
 * sized on the trace's time axis, its duration and status, and the attributes that answer "where did
 * the time and the tokens go" (model and tokens of LLM calls, tool and exit code of tool calls).
 * Failed spans are red with colour, and say ERROR and why without it. The name column and the bars
 * share whatever width the terminal has; each span's details go on a line of their own below it.
 */
import { formatCost, formatCount, formatDuration, formatTime, type Palette, palette } from "./format.ts";
import { joinWrapped, padLeft, padRight, truncate, widthOf } from "./columns.ts";
import { escapeControl } from "../safe_text.ts";
import { GEN_AI, GENERAL, KODELET, PROCESS } from "../telemetry/mod.ts";
import {
  isChatSpan,
  isToolSpan,
  numberAttribute,
  rootSpans,
  STATUS,
  type StoredSpan,
  type StoredTrace,
  summarize,
  type TraceSummary,
} from "../trace_store/mod.ts";

/** How to draw the waterfall. */
export interface WaterfallOptions {
  width: number;
  color: boolean;
  /** Times in UTC instead of local time (reproducible output). */
  utc?: boolean;
}

interface TreeNode {
  span: StoredSpan;
  children: TreeNode[];
}

/** One drawn span: its tree prefix, and the guide its detail line continues with. */
interface Row {
  span: StoredSpan;
  label: string;
  detailIndent: string;
}

const DURATION_WIDTH = 7;
const STATUS_WIDTH = 5;
const MIN_BAR_WIDTH = 10;
const BAR = "█";

function byStart(a: TreeNode, b: TreeNode): number {
  if (a.span.startNs !== b.span.startNs) return a.span.startNs < b.span.startNs ? -1 : 1;
  return a.span.name < b.span.name ? -1 : a.span.name > b.span.name ? 1 : 0;
}

function buildTree(trace: StoredTrace): TreeNode[] {
  const nodes = new Map(trace.spans.map((span) => [span.spanId, { span, children: [] } as TreeNode]));
  for (const node of nodes.values()) nodes.get(node.span.parentSpanId)?.children.push(node);
  const sortDeep = (list: TreeNode[]): TreeNode[] => {
    list.sort(byStart);
    for (const node of list) sortDeep(node.children);
    return list;
  };
  return sortDeep(
    rootSpans(trace).map((span) => nodes.get(span.spanId)).filter((node) => node !== undefined),
  );
}

/** Flattens the tree depth first, with the box-drawing prefixes of each line. */
function rowsOf(roots: TreeNode[]): Row[] {
  const rows: Row[] = [];
  const visit = (node: TreeNode, guide: string, connector: string, childGuide: string) => {
    const hasChildren = node.children.length > 0;
    rows.push({
      span: node.span,
      // Span names carry tool and model names that servers chose.
      label: guide + connector + escapeControl(node.span.name),
      detailIndent: childGuide + (hasChildren ? "│  " : "   "),
    });
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      visit(child, childGuide, last ? "└─ " : "├─ ", childGuide + (last ? "   " : "│  "));
    });
  };
  for (const root of roots) visit(root, "", "", "");
  return rows;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

function statusWord(code: number): string {
  return code === STATUS.ERROR ? "ERROR" : code === STATUS.OK ? "ok" : "";
}

/** The key attributes of a span, in words; the error reason last. */
function detailsOf(span: StoredSpan): { parts: string[]; error: string | undefined } {
  const parts: string[] = [];
  const attributes = span.attributes;
  if (isChatSpan(span)) {
    const model = attributes[GEN_AI.RESPONSE_MODEL] ?? attributes[GEN_AI.REQUEST_MODEL];
    if (typeof model === "string") parts.push(`model ${model}`);
    const input = numberAttribute(attributes, GEN_AI.USAGE_INPUT_TOKENS);
    const output = numberAttribute(attributes, GEN_AI.USAGE_OUTPUT_TOKENS);
    if (input !== undefined || output !== undefined) {
      parts.push(`tokens ${formatCount(input ?? 0)} in / ${formatCount(output ?? 0)} out`);
    }
    const cost = numberAttribute(attributes, KODELET.COST_USD);
    if (cost !== undefined) parts.push(formatCost(cost));
  }
  const exitCode = numberAttribute(attributes, PROCESS.EXIT_CODE);
  if (isToolSpan(span)) {
    // The span name is "execute_tool <tool>"; the tool is repeated only when the name does not say it.
    const tool = attributes[GEN_AI.TOOL_NAME];
    if (typeof tool === "string" && !span.name.endsWith(` ${tool}`)) parts.push(`tool ${tool}`);
    if (exitCode !== undefined) parts.push(`exit ${exitCode}`);
    if (attributes[KODELET.BASH_TIMED_OUT] === true) parts.push("timed out");
  } else if (exitCode !== undefined && exitCode !== 0) {
    parts.push(`exit ${exitCode}`);
  }
  let error: string | undefined;
  if (span.status.code === STATUS.ERROR) {
    const type = attributes[GENERAL.ERROR_TYPE];
    error = escapeControl(span.status.message || (typeof type === "string" ? type : "failed"));
  }
  return { parts, error };
}

function header(summary: TraceSummary, options: WaterfallOptions, paint: Palette): string[] {
  const utc = options.utc ?? false;
  const status = summary.status === "error" ? "ERROR" : summary.status === "ok" ? "ok" : "status unset";
  const first = [
    summary.command,
    `${formatTime(summary.startMs, utc)}${utc ? " UTC" : ""}`,
    formatDuration(summary.durationMs),
    status,
    plural(summary.spanCount, "span"),
  ];
  const firstShown = first.map((part, index) =>
    index !== 3 ? part : summary.status === "error" ? paint.bold(paint.red(part)) : paint.green(part)
  );
  const tokens = summary.inputTokens + summary.outputTokens;
  const failed = plural(summary.errorCount, "failed span");
  const second = [
    plural(summary.llmCalls, "LLM call"),
    plural(summary.toolCalls, "tool call"),
    `${plural(tokens, "token")} (${formatCount(summary.inputTokens)} in / ${
      formatCount(summary.outputTokens)
    } out)`,
    ...(summary.costUsd === undefined ? [] : [formatCost(summary.costUsd)]),
    ...(summary.errorCount > 0 ? [failed] : []),
  ];
  const secondShown = second.map((part) => (part === failed ? paint.red(part) : part));
  return [
    paint.bold(`trace ${summary.traceId}`),
    ...joinWrapped(first, options.width, firstShown),
    ...joinWrapped(second, options.width, secondShown),
  ];
}

function barColour(span: StoredSpan, paint: Palette): (text: string) => string {
  if (span.status.code === STATUS.ERROR) return paint.red;
  if (isChatSpan(span)) return paint.magenta;
  if (isToolSpan(span)) return paint.yellow;
  if (span.attributes[GEN_AI.OPERATION_NAME] === "invoke_agent") return paint.blue;
  return paint.cyan;
}

/** Draws a trace as a waterfall, ending with a newline. */
export function renderWaterfall(trace: StoredTrace, options: WaterfallOptions): string {
  const paint = palette(options.color);
  const summary = summarize(trace);
  const rows = rowsOf(buildTree(trace));
  const width = Math.max(options.width, 40);

  const longestLabel = Math.max(8, ...rows.map((row) => widthOf(row.label)));
  const fixed = 2 + 2 + DURATION_WIDTH + 1 + STATUS_WIDTH;
  const nameWidth = Math.max(
    8,
    Math.min(longestLabel, Math.floor(width * 0.4), width - fixed - MIN_BAR_WIDTH),
  );
  const barWidth = Math.max(MIN_BAR_WIDTH, width - nameWidth - fixed);
  const traceStart = trace.startNs;
  const traceNs = Math.max(1, Number(trace.endNs - trace.startNs));

  const lines = header(summary, options, paint);
  lines.push("");
  const total = formatDuration(traceNs / 1e6);
  lines.push(paint.dim(" ".repeat(nameWidth + 2) + "0" + padLeft(total, barWidth - 1)));

  for (const row of rows) {
    const { span } = row;
    const failed = span.status.code === STATUS.ERROR;
    const from = Number(span.startNs - traceStart) / traceNs;
    const to = Number(span.endNs - traceStart) / traceNs;
    const startCol = Math.min(barWidth - 1, Math.max(0, Math.floor(from * barWidth)));
    const endCol = Math.min(barWidth, Math.max(startCol + 1, Math.round(to * barWidth)));
    const bar = " ".repeat(startCol) + barColour(span, paint)(BAR.repeat(endCol - startCol)) +
      " ".repeat(barWidth - endCol);
    const name = padRight(row.label, nameWidth);
    const status = statusWord(span.status.code);
    const durationMs = Number(span.endNs - span.startNs) / 1e6;
    const line =
      `${failed ? paint.red(name) : name}  ${bar}  ${padLeft(formatDuration(durationMs), DURATION_WIDTH)} ` +
      (failed ? paint.bold(paint.red(status)) : paint.green(status));
    lines.push(line.trimEnd());

    // Details get a line of their own under the span: beside the bar they would not fit at 80 columns,
    // and the same layout at every width keeps the bars comparable.
    const { parts, error } = detailsOf(span);
    const room = width - widthOf(row.detailIndent);
    if (parts.length > 0) lines.push(row.detailIndent + paint.dim(truncate(parts.join(" · "), room)));
    if (error !== undefined) {
      lines.push(row.detailIndent + paint.red(truncate(`! error: ${error.replace(/\s+/g, " ")}`, room)));
    }
  }
  return lines.join("\n") + "\n";
}
