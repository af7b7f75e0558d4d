/** Lines added and removed by a change, as a line diff counts them (for kodelet.lines_of_code.count). */
import { diffLines } from "diff";
import { KODELET } from "../telemetry/mod.ts";

/** Above this many bytes on either side the diff is not worth its time: every line counts as changed. */
export const MAX_DIFF_BYTES = 1024 * 1024;

function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** Lines added and removed going from `before` to `after`. */
export function changedLines(before: string, after: string): { added: number; removed: number } {
  if (before.length > MAX_DIFF_BYTES || after.length > MAX_DIFF_BYTES) {
    return { added: lineCount(after), removed: lineCount(before) };
  }
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) added += part.count ?? lineCount(part.value);
    else if (part.removed) removed += part.count ?? lineCount(part.value);
  }
  return { added, removed };
}

/** The span attributes that carry the counts (the registry turns them into the metric). */
export function lineAttributes(change: { added: number; removed: number }, times = 1) {
  return { [KODELET.LINES_ADDED]: change.added * times, [KODELET.LINES_REMOVED]: change.removed * times };
}
