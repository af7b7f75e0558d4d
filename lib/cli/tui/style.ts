/**
 * ANSI styling that can be switched off as a whole (NO_COLOR, not a terminal): the markdown and
 * diff renderers produce strings through one Style, so colourless output is the same text minus SGR.
 */
import { stripVTControlCharacters } from "node:util";

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

/** The style names a renderer may use. */
export type StyleName = keyof typeof CODES;

/** Applies styles to text, or returns it unchanged when colour is off. */
export interface Style {
  readonly color: boolean;
  (names: StyleName | readonly StyleName[], text: string): string;
}

/** A Style that emits SGR codes when `color` is true. */
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
