/**
 * Terminal columns: the width of a text (CJK and most emoji take two columns, escape codes none),
 * cutting and padding to a width, and wrapping parts into lines. A module of its own because
 * string-width and Intl.Segmenter cost ~30 ms to set up, which only the commands that draw tables
 * and waterfalls should pay.
 */
import stringWidth from "string-width";

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
