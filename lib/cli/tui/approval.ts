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
