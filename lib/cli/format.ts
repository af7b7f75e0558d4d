/**
 * Small text helpers shared by the trace list and the waterfall: durations, counts, money, times,
 * column padding and ANSI colour. Widths are terminal columns (string-width), so CJK text and emoji
 * in a span name keep the columns straight.
 */
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";

/** Milliseconds in the shortest form that still reads well: 0.42ms, 12ms, 3.40s, 2m05s, 1h07m. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 59_995) return `${(ms / 1000).toFixed(2)}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, "0")}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, "0")}m`;
}

/** A whole number with thousands separators (locale-independent, so output is the same everywhere). */
export function formatCount(value: number): string {
  const sign = value < 0 ? "-" : "";
  const digits = String(Math.round(Math.abs(value)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A count in at most six characters: 950, 12,345, 123k, 1.2M. */
export function formatCompact(value: number): string {
  if (value < 100_000) return formatCount(value);
  if (value < 1_000_000) return `${Math.round(value / 1000)}k`;
  return `${trimZero((value / 1_000_000).toFixed(1))}M`;
}

function trimZero(text: string): string {
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/**
 * US dollars: four decimals below a dollar (one LLM call often costs a fraction of a cent), two above;
 * `unknown` when no request had a price.
 */
export function formatCost(usd: number | undefined, unknown = "-"): string {
  if (usd === undefined) return unknown;
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

function two(value: number): string {
  return String(value).padStart(2, "0");
}

/** "2025-01-02 10:00:05": local time for people, UTC for reproducible output (tests, logs). */
export function formatTime(epochMs: number, utc: boolean): string {
  const date = new Date(epochMs);
  const [y, mo, d, h, mi, s] = utc
    ? [
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ]
    : [
      date.getFullYear(),
      date.getMonth() + 1,
      date.getDate(),
      date.getHours(),
      date.getMinutes(),
      date.getSeconds(),
    ];
  return `${y}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)}`;
}

/** Columns a text takes on a terminal: CJK and most emoji take two, escape codes none. */
export function widthOf(text: string): number {
  return stringWidth(text);
}

const graphemes = new Intl.Segmenter();

/** Cuts a text to `width` columns, marking the cut with an ellipsis; never splits a character. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (widthOf(text) <= width) return text;
  let cut = "";
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const next = widthOf(segment);
    if (used + next > width - 1) break;
    cut += segment;
    used += next;
  }
  return cut + "…";
}

/** Pads (or truncates) to exactly `width` on the right. */
export function padRight(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(0, width - widthOf(cut)));
}

/** Pads (or truncates) to exactly `width` on the left. */
export function padLeft(text: string, width: number): string {
  const cut = truncate(text, width);
  return " ".repeat(Math.max(0, width - widthOf(cut))) + cut;
}

/**
 * Joins parts with " · ", starting a new line instead of exceeding `width`. `shown` gives the text to
 * print for each part (e.g. coloured) when it differs from the text that is measured.
 */
export function joinWrapped(
  parts: readonly string[],
  width: number,
  shown: readonly string[] = parts,
  separator = " · ",
): string[] {
  const lines: string[] = [];
  let line = "";
  let lineWidth = 0;
  parts.forEach((part, index) => {
    const text = shown[index] ?? part;
    if (lineWidth === 0) {
      line = text;
      lineWidth = widthOf(part);
    } else if (lineWidth + widthOf(separator) + widthOf(part) <= width) {
      line += separator + text;
      lineWidth += widthOf(separator) + widthOf(part);
    } else {
      lines.push(line);
      line = text;
      lineWidth = widthOf(part);
    }
  });
  if (lineWidth > 0) lines.push(line);
  return lines;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  inverse: [7, 27],
  strike: [9, 29],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const;

/** The style names a view may use. */
export type StyleName = keyof typeof CODES;

/** Applies styles to text, or returns it unchanged when colour is off. */
export interface Style {
  readonly color: boolean;
  (names: StyleName | readonly StyleName[], text: string): string;
}

/**
 * A Style that emits SGR codes when `color` is true. Whether to colour is decided once, by the
 * caller (NO_COLOR, a pipe), not per stream here.
 */
export function createStyle(color: boolean): Style {
  const apply = (names: StyleName | readonly StyleName[], text: string): string => {
    if (!color || text === "") return text;
    const list: readonly StyleName[] = typeof names === "string" ? [names] : names;
    let out = text;
    for (const name of list) {
      const [open, close] = CODES[name];
      // Re-open after an inner close of the same kind so nesting (bold inside a bold heading) holds.
      out = `\x1b[${open}m${out.replaceAll(`\x1b[${close}m`, `\x1b[${close}m\x1b[${open}m`)}\x1b[${close}m`;
    }
    return out;
  };
  return Object.assign(apply, { color });
}

/** Text without escape codes. */
export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}

/** The colours the tables and the waterfall use, one function each (a Style's common names). */
export type Palette = Record<
  "bold" | "dim" | "red" | "green" | "yellow" | "blue" | "magenta" | "cyan",
  (
    text: string,
  ) => string
>;

/** The palette for a terminal with or without colour (NO_COLOR, a pipe). */
export function palette(color: boolean): Palette {
  const style = createStyle(color);
  const paint = (name: StyleName) => (text: string) => style(name, text);
  return {
    bold: paint("bold"),
    dim: paint("dim"),
    red: paint("red"),
    green: paint("green"),
    yellow: paint("yellow"),
    blue: paint("blue"),
    magenta: paint("magenta"),
    cyan: paint("cyan"),
  };
}
