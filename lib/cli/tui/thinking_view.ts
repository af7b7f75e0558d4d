/**
 * How thinking looks in the terminal UI: one dimmed line while folded ("✻ thinking · 12 lines"), or
 * the text itself, dimmed, fitted to the screen when Ctrl-O unfolds it. Pure, so that it is tested
 * without a terminal.
 */
import wrapAnsi from "wrap-ansi";
import type { Style } from "../format.ts";

/** The key that folds and unfolds the last thinking block, as the hint names it. */
export const THINKING_KEY = "ctrl-o";

function plural(count: number): string {
  return `${count} line${count === 1 ? "" : "s"}`;
}

/** The one line a thinking block folds to (`live` while it still streams), with the key's hint. */
export function thinkingLine(lines: number, live: boolean, expanded: boolean, style: Style): string {
  const what = live ? "thinking…" : "thought";
  const hint = expanded ? `${THINKING_KEY} to collapse` : `${THINKING_KEY} to expand`;
  return style(["dim", "italic"], `✻ ${what} · ${plural(lines)}`) + style("gray", ` · ${hint}`);
}

/**
 * The thinking text unfolded, wrapped to `width` and cut to its last `maxRows` rows (the live area
 * must fit the screen, or the terminal scrolls it into a mess), dimmed.
 */
export function thinkingPanel(text: string, width: number, maxRows: number, style: Style): string {
  const rows = wrapAnsi(text.trimEnd(), Math.max(10, width), { hard: true, trim: false }).split("\n");
  const room = Math.max(1, maxRows);
  const shown = rows.length > room ? rows.slice(rows.length - (room - 1)) : rows;
  const cut = rows.length - shown.length;
  return [
    ...(cut > 0 ? [style("gray", `… ${plural(cut)} above`)] : []),
    ...shown.map((row) => style(["dim", "italic"], row)),
  ].join("\n");
}

/** The number of lines of a thinking text, as the folded line counts them. */
export function thinkingLines(text: string): number {
  return text.trimEnd().split("\n").length;
}
