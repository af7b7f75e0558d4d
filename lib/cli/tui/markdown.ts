/**
 * Markdown to terminal text: marked's lexer parses, this file lays the tokens out for a given width
 * (headings, emphasis, lists, quotes, tables that fit the width, highlighted code blocks). With colour
 * off the result is still readable text: no `##`, `**` or `|---|` in either case.
 */
import { marked, type Token, type Tokens } from "marked";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";
import { stripTerminalControls } from "../../safe_text.ts";
import { highlightCode } from "./highlight.ts";

export { loadHighlighter } from "./highlight.ts";
import { stripAnsi, type Style } from "../format.ts";

/** How to lay the text out. */
export interface MarkdownOptions {
  width: number;
  style: Style;
}

function wrap(text: string, width: number, trim = true): string {
  return wrapAnsi(text, Math.max(width, 10), { hard: true, trim });
}

function indent(text: string, first: string, rest: string = " ".repeat(stringWidth(first))): string {
  return text.split("\n").map((line, index) => (index === 0 ? first : rest) + line).join("\n");
}

function inline(tokens: readonly Token[] | undefined, style: Style): string {
  if (!tokens) return "";
  return tokens.map((token) => inlineToken(token, style)).join("");
}

function inlineToken(token: Token, style: Style): string {
  switch (token.type) {
    case "strong":
      return style("bold", inline((token as Tokens.Strong).tokens, style));
    case "em":
      return style("italic", inline((token as Tokens.Em).tokens, style));
    case "del":
      return style("strike", inline((token as Tokens.Del).tokens, style));
    case "codespan": {
      const text = (token as Tokens.Codespan).text;
      return style.color ? style("cyan", text) : `\`${text}\``;
    }
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens, style);
      const plain = stripAnsi(label);
      // Autolinks show once; a labelled link shows its target after it.
      return plain === link.href || `mailto:${plain}` === link.href
        ? style(["underline", "blue"], label)
        : `${style("underline", label)} ${style("gray", `(${link.href})`)}`;
    }
    case "image": {
      const image = token as Tokens.Image;
      return `[image: ${image.text || image.href}]`;
    }
    case "br":
      return "\n";
    case "escape":
    case "html":
      return decodeEntities((token as Tokens.Escape).text);
    case "text": {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens, style) : decodeEntities(text.text);
    }
    default:
      return "raw" in token ? String(token.raw) : "";
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "");
}

function heading(token: Tokens.Heading, options: MarkdownOptions): string {
  const { style } = options;
  const text = inline(token.tokens, style);
  if (!style.color) {
    // Without colour the level still shows: underlined for the top two levels, plain bold otherwise.
    const wrapped = wrap(text, options.width);
    if (token.depth > 2) return wrapped;
    const width = Math.min(options.width, Math.max(...wrapped.split("\n").map((line) => stringWidth(line))));
    return `${wrapped}\n${(token.depth === 1 ? "=" : "-").repeat(width)}`;
  }
  const names = token.depth === 1
    ? (["bold", "underline", "magenta"] as const)
    : token.depth === 2
    ? (["bold", "magenta"] as const)
    : (["bold"] as const);
  return wrap(style(names, text), options.width);
}

function list(token: Tokens.List, options: MarkdownOptions): string {
  const start = typeof token.start === "number" ? token.start : 1;
  return token.items.map((item, index) => {
    const bullet = token.ordered ? `${start + index}. ` : "• ";
    const check = item.task ? (item.checked ? "[x] " : "[ ] ") : "";
    const inner = blocks(item.tokens, { ...options, width: options.width - stringWidth(bullet) }, true);
    return indent(check + inner, options.style("gray", bullet), " ".repeat(stringWidth(bullet)));
  }).join("\n");
}

function code(token: Tokens.Code, options: MarkdownOptions): string {
  const { style } = options;
  const language = (token.lang ?? "").split(/\s/)[0] ?? "";
  const body = highlightCode(token.text, language, style);
  const bar = style("gray", "│ ");
  const label = language !== "" ? style("gray", `╭ ${language}`) + "\n" : "";
  const lines = body.split("\n").map((line) =>
    wrap(line, options.width - 2, false).split("\n").map((part) => bar + part)
  )
    .flat();
  return label + lines.join("\n");
}

function table(token: Tokens.Table, options: MarkdownOptions): string {
  const { style } = options;
  const header = token.header.map((cell) => inline(cell.tokens, style));
  const rows = token.rows.map((row) => row.map((cell) => inline(cell.tokens, style)));
  const columns = header.length;
  const natural = Array.from({ length: columns }, (_, column) =>
    Math.max(
      1,
      stringWidth(stripAnsi(header[column] ?? "")),
      ...rows.map((row) => stringWidth(stripAnsi(row[column] ?? ""))),
    ));
  // Separators take 3 columns between cells and 2 at the edges; the widest column gives way first.
  const available = Math.max(columns * 3, options.width - (columns - 1) * 3 - 4);
  const widths = [...natural];
  while (widths.reduce((a, b) => a + b, 0) > available) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 3) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const align = token.align;
  const renderRow = (cells: string[], bold: boolean): string[] => {
    const wrapped = cells.map((cell, column) => wrap(cell, widths[column] ?? 1).split("\n"));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    const lines: string[] = [];
    for (let line = 0; line < height; line++) {
      const parts = wrapped.map((cellLines, column) => {
        const text = cellLines[line] ?? "";
        const pad = Math.max(0, (widths[column] ?? 1) - stringWidth(stripAnsi(text)));
        const shown = bold ? style("bold", text) : text;
        const where = align[column];
        if (where === "right") return " ".repeat(pad) + shown;
        if (where === "center") {
          return " ".repeat(Math.floor(pad / 2)) + shown + " ".repeat(Math.ceil(pad / 2));
        }
        return shown + " ".repeat(pad);
      });
      lines.push(`${style("gray", "│")} ${parts.join(` ${style("gray", "│")} `)} ${style("gray", "│")}`);
    }
    return lines;
  };
  const rule = (left: string, middle: string, right: string) =>
    style("gray", left + widths.map((width) => "─".repeat(width + 2)).join(middle) + right);
  return [
    rule("┌", "┬", "┐"),
    ...renderRow(header, true),
    rule("├", "┼", "┤"),
    ...rows.flatMap((row) => renderRow(row, false)),
    rule("└", "┴", "┘"),
  ].join("\n");
}

function block(token: Token, options: MarkdownOptions, tight: boolean): string | undefined {
  const { style, width } = options;
  switch (token.type) {
    case "space":
      return undefined;
    case "heading":
      return heading(token as Tokens.Heading, options);
    case "paragraph":
      return wrap(inline((token as Tokens.Paragraph).tokens, style), width);
    case "text": {
      const text = token as Tokens.Text;
      return wrap(text.tokens ? inline(text.tokens, style) : decodeEntities(text.text), width);
    }
    case "list":
      return list(token as Tokens.List, options);
    case "code":
      return code(token as Tokens.Code, options);
    case "blockquote": {
      const inner = blocks((token as Tokens.Blockquote).tokens, { ...options, width: width - 2 }, tight);
      return indent(style("italic", inner), style("gray", "▎ "), style("gray", "▎ "));
    }
    case "table":
      return table(token as Tokens.Table, options);
    case "hr":
      return style("gray", "─".repeat(Math.min(width, 40)));
    case "html":
      return wrap((token as Tokens.HTML).text.trimEnd(), width);
    case "def":
      return undefined;
    default:
      return "raw" in token ? wrap(String(token.raw).trimEnd(), width) : undefined;
  }
}

function blocks(tokens: readonly Token[], options: MarkdownOptions, tight = false): string {
  const out: string[] = [];
  for (const token of tokens) {
    const text = block(token, options, tight);
    if (text !== undefined) out.push(text);
  }
  // Items of a tight list keep their blocks together; everywhere else blocks have a blank line between.
  return out.join(tight ? "\n" : "\n\n");
}

/**
 * Renders markdown for a terminal of `options.width` columns; no trailing newline. Escape sequences
 * and control characters in the source are removed first.
 */
export function renderMarkdown(source: string, options: MarkdownOptions): string {
  // The model's text must never reach the terminal with escape sequences of its own (OSC 52 ...).
  const tokens = marked.lexer(stripTerminalControls(source), { gfm: true });
  return blocks(tokens, options);
}

/**
 * Where a streamed answer can be cut so that the part before it is complete blocks (rendered and
 * kept) and the rest is still growing: the last blank line outside a code fence. 0 when there is none.
 */
export function stableCut(source: string): number {
  let cut = 0;
  let inFence: string | undefined;
  let offset = 0;
  let previousBlank = false;
  for (const line of source.split("\n")) {
    const next = offset + line.length + 1;
    const blank = line.trim() === "";
    // A blank line ends the block before it unless the next line might continue a list; cutting
    // only before a whole, unindented line keeps lists and indented code together.
    if (inFence === undefined && previousBlank && !blank && next <= source.length && !/^\s/.test(line)) {
      if (!/^([-*+]|\d+[.)])\s/.test(line)) cut = offset;
    }
    const fence = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (fence !== undefined) {
      if (inFence === undefined) inFence = fence;
      else if (fence.startsWith(inFence)) inFence = undefined;
    }
    previousBlank = blank;
    offset = next;
  }
  return cut;
}
