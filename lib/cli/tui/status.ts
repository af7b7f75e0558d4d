/** The status line under the prompt: model, context used, session tokens and cost, last trace id. */
import { formatCompact } from "../format.ts";
import { costText } from "../slash_commands.ts";

/** What the status line shows. */
export interface StatusFigures {
  model: string;
  /** How full the model's context window is, once a response has said. */
  context: { used: number; window: number } | undefined;
  /** Tokens of the whole session (input, output and cache). */
  sessionTokens: number;
  costUsd: number | undefined;
  traceId: string | undefined;
}

/** The parts of the status line, most important first (a narrow terminal drops from the end). */
export function statusParts(figures: StatusFigures): string[] {
  const parts = [figures.model];
  if (figures.context !== undefined) {
    const percent = Math.min(100, Math.round((figures.context.used / figures.context.window) * 100));
    parts.push(`context ${percent}%`);
  }
  // Nothing spent yet is $0, not "unknown".
  const cost = figures.sessionTokens === 0 && figures.costUsd === undefined ? 0 : figures.costUsd;
  parts.push(`${formatCompact(figures.sessionTokens)} tokens`, costText(cost));
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
