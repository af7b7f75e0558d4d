/**
 * A file change as a coloured unified diff (the `diff` package computes it), capped at a number of
 * lines with "… N more lines" so that a rewrite of a big file does not flood the screen.
 */
import { structuredPatch } from "diff";
import { stripTerminalControls } from "../../safe_text.ts";
import type { Style } from "../format.ts";

/** A rendered diff: its lines (hunk headers, context, changes) and how many lines it adds and removes. */
export interface DiffView {
  lines: string[];
  added: number;
  removed: number;
}

/** The lines of a unified diff from `before` to `after`, context 2, at most `maxLines` (then a note). */
export function diffLines(
  path: string,
  before: string,
  after: string,
  style: Style,
  maxLines = 40,
): DiffView {
  // File content is shown, so it must not carry escape sequences to the terminal.
  const patch = structuredPatch(
    path,
    path,
    stripTerminalControls(before),
    stripTerminalControls(after),
    "",
    "",
    {
      context: 2,
    },
  );
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    lines.push(style("cyan", `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) {
      if (line.startsWith("\\")) continue; // "\ No newline at end of file"
      if (line.startsWith("+")) {
        added++;
        lines.push(style("green", line));
      } else if (line.startsWith("-")) {
        removed++;
        lines.push(style("red", line));
      } else {
        lines.push(style("dim", line));
      }
    }
  }
  if (lines.length <= maxLines) return { lines, added, removed };
  const more = lines.length - maxLines;
  return {
    lines: [...lines.slice(0, maxLines), style("gray", `… ${more} more line${more === 1 ? "" : "s"}`)],
    added,
    removed,
  };
}

/** The change a file_edit / file_write call makes, when it can be told from its input (and the file before). */
export function changeOf(
  name: string,
  input: Record<string, unknown>,
  before: string | undefined,
): { path: string; before: string; after: string } | undefined {
  const path = typeof input.path === "string"
    ? input.path
    : typeof input.file_path === "string"
    ? input.file_path
    : undefined;
  if (path === undefined) return undefined;
  if (name === "file_write" && typeof input.content === "string") {
    return { path, before: before ?? "", after: input.content };
  }
  if (name === "file_edit" && typeof input.old_string === "string" && typeof input.new_string === "string") {
    if (before !== undefined && before.includes(input.old_string)) {
      const after = input.replace_all === true
        ? before.replaceAll(input.old_string, input.new_string)
        : before.replace(input.old_string, () => String(input.new_string));
      return { path, before, after };
    }
    return { path, before: input.old_string, after: input.new_string };
  }
  return undefined;
}
