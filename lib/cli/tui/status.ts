/** The status line under the prompt: model, context used, session tokens and cost, last trace id. */
import { costText } from "../slash_commands.ts";

/**
 * Context windows by model prefix, for the "% of context" figure. A stand-in until the llm layer
 * has its own table (the context-window issue); unknown models get a conservative window.
 */
const WINDOWS: readonly [prefix: string, tokens: number][] = [
  ["claude-", 200_000],
  ["gpt-4.1", 1_047_576],
  ["gpt-5", 400_000],
  ["gpt-4o", 128_000],
  ["o3", 200_000],
  ["o4", 200_000],
];
const DEFAULT_WINDOW = 128_000;

/** The context window of a model, in tokens. */
export function contextWindowOf(model: string): number {
  return WINDOWS.find(([prefix]) => model.startsWith(prefix))?.[1] ?? DEFAULT_WINDOW;
}

/** What the status line shows. */
export interface StatusFigures {
  model: string;
  /** Tokens the last request put in the context window (input + cache + output), if any yet. */
  contextTokens: number | undefined;
  /** Input + output tokens of the whole session. */
  sessionTokens: number;
  costUsd: number | undefined;
  traceId: string | undefined;
}

function compact(value: number): string {
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}

/** The parts of the status line, most important first (a narrow terminal drops from the end). */
export function statusParts(figures: StatusFigures): string[] {
  const parts = [figures.model];
  if (figures.contextTokens !== undefined) {
    const percent = Math.min(100, Math.round((figures.contextTokens / contextWindowOf(figures.model)) * 100));
    parts.push(`context ${percent}%`);
  }
  // Nothing spent yet is $0, not "unknown".
  const cost = figures.sessionTokens === 0 && figures.costUsd === undefined ? 0 : figures.costUsd;
  parts.push(`${compact(figures.sessionTokens)} tokens`, costText(cost));
  if (figures.traceId !== undefined) parts.push(`trace ${figures.traceId}`);
  return parts;
}

/** The status line fitted to `width` columns: parts that do not fit are left off from the end. */
export function statusLine(figures: StatusFigures, width: number): string {
  const parts = statusParts(figures);
  let line = "";
  for (const part of parts) {
    const next = line === "" ? part : `${line} · ${part}`;
    if (next.length > width - 1 && line !== "") break;
    line = next;
  }
  return line.length > width - 1 ? line.slice(0, Math.max(1, width - 2)) + "…" : line;
}
