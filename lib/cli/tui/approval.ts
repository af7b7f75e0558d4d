/**
 * The approval contract of the permissions work (issue 13), declared here until lib/tools exports
 * it; the terminal UI's prompt is an Approver.
 */

/** What the user is asked to allow. */
export interface ApprovalRequest {
  tool: string;
  callId: string;
  summary: string;
  diff?: string;
  rule: string;
}

/** The user's answer: once, never, or for the rest of the session. */
export type ApprovalAnswer = "yes" | "no" | "always";

/** Asks the user; an aborted signal means "no". */
export type Approver = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalAnswer>;

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
