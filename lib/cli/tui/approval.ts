/** The terminal UI's approval prompt answers the permission gate's Approver (lib/tools). */
import type { ApprovalAnswer } from "../../tools/mod.ts";

export type { ApprovalAnswer, ApprovalRequest, Approver } from "../../tools/mod.ts";

/** The answer a key gives at the approval prompt, or undefined for keys it ignores. */
export function approvalKey(input: string, key: { escape?: boolean; ctrl?: boolean; return?: boolean }):
  | ApprovalAnswer
  | undefined {
  if (key.escape || (key.ctrl && input === "c")) return "no";
  if (key.ctrl) return undefined;
  switch (input.toLowerCase()) {
    case "y":
      return "yes";
    case "n":
      return "no";
    case "a":
      return "always";
    default:
      return undefined;
  }
}

/**
 * The lines of an approval's diff that fit in `rows` terminal rows at `width` columns (a long line
 * wraps onto several), the rest folded into "… N more lines". The question and its keys must stay on
 * screen: a diff taller than the terminal pushed them off the top, out of sight.
 */
export function fittedDiff(diff: string, rows: number, width: number): string[] {
  const lines = diff.split("\n");
  const rowsOf = (line: string) => Math.max(1, Math.ceil([...line].length / Math.max(1, width)));
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    if (used + rowsOf(line) > rows) break;
    used += rowsOf(line);
    shown++;
  }
  if (shown === lines.length) return lines;
  // The note takes a row of its own.
  while (shown > 0 && used + 1 > rows) used -= rowsOf(lines[--shown] ?? "");
  const more = lines.length - shown;
  return [...lines.slice(0, shown), `… ${more} more line${more === 1 ? "" : "s"}`];
}
