/**
 * The prompt's line editor as pure functions over an immutable state, so every key's effect is a
 * plain unit test. Positions are UTF-16 offsets kept on code point boundaries.
 */

/** The text being typed and where the cursor is in it. */
export interface EditorState {
  readonly text: string;
  readonly cursor: number;
}

/** An empty prompt. */
export const EMPTY: EditorState = { text: "", cursor: 0 };

/** A state holding `text` with the cursor at its end. */
export function withText(text: string): EditorState {
  return { text, cursor: text.length };
}

/** Inserts text (a typed character or a whole paste) at the cursor. */
export function insert(state: EditorState, text: string): EditorState {
  const { text: old, cursor } = state;
  return { text: old.slice(0, cursor) + text + old.slice(cursor), cursor: cursor + text.length };
}

function previousBoundary(text: string, index: number): number {
  if (index <= 0) return 0;
  const low = text.charCodeAt(index - 1);
  return index >= 2 && low >= 0xdc00 && low <= 0xdfff ? index - 2 : index - 1;
}

function nextBoundary(text: string, index: number): number {
  if (index >= text.length) return text.length;
  const high = text.charCodeAt(index);
  return high >= 0xd800 && high <= 0xdbff && index + 1 < text.length ? index + 2 : index + 1;
}

/** One character left. */
export function left(state: EditorState): EditorState {
  return { ...state, cursor: previousBoundary(state.text, state.cursor) };
}

/** One character right. */
export function right(state: EditorState): EditorState {
  return { ...state, cursor: nextBoundary(state.text, state.cursor) };
}

const WORD = /[\p{L}\p{N}_]/u;

/** To the start of the word before the cursor (Ctrl-Left, Alt-B). */
export function wordLeft(state: EditorState): EditorState {
  const { text } = state;
  let index = state.cursor;
  while (index > 0 && !WORD.test(text[index - 1] ?? "")) index--;
  while (index > 0 && WORD.test(text[index - 1] ?? "")) index--;
  return { ...state, cursor: index };
}

/** To the end of the word after the cursor (Ctrl-Right, Alt-F). */
export function wordRight(state: EditorState): EditorState {
  const { text } = state;
  let index = state.cursor;
  while (index < text.length && !WORD.test(text[index] ?? "")) index++;
  while (index < text.length && WORD.test(text[index] ?? "")) index++;
  return { ...state, cursor: index };
}

function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf("\n", cursor - 1) + 1;
}

function lineEnd(text: string, cursor: number): number {
  const end = text.indexOf("\n", cursor);
  return end === -1 ? text.length : end;
}

/** To the start of the current line (Home, Ctrl-A). */
export function home(state: EditorState): EditorState {
  return { ...state, cursor: lineStart(state.text, state.cursor) };
}

/** To the end of the current line (End, Ctrl-E). */
export function end(state: EditorState): EditorState {
  return { ...state, cursor: lineEnd(state.text, state.cursor) };
}

/** Deletes the character before the cursor (Backspace). */
export function backspace(state: EditorState): EditorState {
  const start = previousBoundary(state.text, state.cursor);
  return { text: state.text.slice(0, start) + state.text.slice(state.cursor), cursor: start };
}

/** Deletes the character under the cursor (Delete, Ctrl-D on a non-empty prompt). */
export function deleteForward(state: EditorState): EditorState {
  const stop = nextBoundary(state.text, state.cursor);
  return { ...state, text: state.text.slice(0, state.cursor) + state.text.slice(stop) };
}

/** Deletes the word before the cursor (Ctrl-W, Alt-Backspace). */
export function deleteWordBack(state: EditorState): EditorState {
  const start = wordLeft(state).cursor;
  return { text: state.text.slice(0, start) + state.text.slice(state.cursor), cursor: start };
}

/** Deletes from the start of the line to the cursor (Ctrl-U). */
export function deleteToLineStart(state: EditorState): EditorState {
  const start = lineStart(state.text, state.cursor);
  return { text: state.text.slice(0, start) + state.text.slice(state.cursor), cursor: start };
}

/** Deletes from the cursor to the end of the line (Ctrl-K). */
export function deleteToLineEnd(state: EditorState): EditorState {
  const stop = lineEnd(state.text, state.cursor);
  return { ...state, text: state.text.slice(0, state.cursor) + state.text.slice(stop) };
}

/** The line above, keeping the column where it can; undefined on the first line (history takes over). */
export function up(state: EditorState): EditorState | undefined {
  const start = lineStart(state.text, state.cursor);
  if (start === 0) return undefined;
  const column = state.cursor - start;
  const previousStart = lineStart(state.text, start - 1);
  return { ...state, cursor: Math.min(previousStart + column, start - 1) };
}

/** The line below, keeping the column where it can; undefined on the last line (history takes over). */
export function down(state: EditorState): EditorState | undefined {
  const stop = lineEnd(state.text, state.cursor);
  if (stop === state.text.length) return undefined;
  const column = state.cursor - lineStart(state.text, state.cursor);
  return { ...state, cursor: Math.min(stop + 1 + column, lineEnd(state.text, stop + 1)) };
}

/**
 * What Enter does: a line ending in a backslash continues on a new line (the backslash goes);
 * anything else is submitted.
 */
export function enter(state: EditorState): { submit: string } | { state: EditorState } {
  const before = state.text.slice(0, state.cursor);
  if (before.endsWith("\\") && state.cursor === lineEnd(state.text, state.cursor)) {
    return {
      state: insert(
        { text: before.slice(0, -1) + state.text.slice(state.cursor), cursor: state.cursor - 1 },
        "\n",
      ),
    };
  }
  return { submit: state.text };
}

/** Terminals send a paste's line breaks as \r (or \r\n); the prompt keeps \n. */
export function normalisePaste(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}
