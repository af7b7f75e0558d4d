/** The words of the permission engine: modes, rules, decisions and the approval seam. */
import type { PERMISSION_MODES } from "../../config/mod.ts";

/** How much the agent may do without asking (the list lives with the configuration key). */
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** One approval question: what the user is asked to allow. */
export interface ApprovalRequest {
  tool: string;
  callId: string;
  /** The command, path or URL. */
  summary: string;
  /** Unified diff for edits. */
  diff?: string;
  /** The exact rule "always" would add. */
  rule: string;
}

/** The user's answer: once, not at all, or for the rest of the session. */
export type ApprovalAnswer = "yes" | "no" | "always";

/** Asks the user; a terminal renderer (line mode, TUI) implements it. An aborted signal means "no". */
export type Approver = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalAnswer>;

/** What decided a call. */
export type DecisionSource = "mode" | "rule" | "user" | "hard_limit" | "no_terminal";

/** A parsed rule. `text` is the rule as written, for messages and spans. */
export interface Rule {
  text: string;
  /** A tool name, or `mcp__server` for a whole MCP server. */
  tool: string;
  /** Absent: the rule covers every call of the tool. */
  pattern?:
    | { kind: "exact"; command: string }
    | { kind: "prefix"; prefix: string }
    | { kind: "glob"; glob: string }
    | { kind: "domain"; domain: string };
  /** Where it came from: a config file, a flag, or "session" (an "always" answer). */
  source: string;
}

/** The outcome of the permission check of one call. */
export type Decision =
  | { allow: true; source: DecisionSource; rule?: Rule }
  | {
    allow: false;
    source: DecisionSource;
    rule?: Rule;
    /** A fixed word for the span when a hard limit refused the call (no content in it). */
    limit?: string;
    /** Said to the model as the tool's error. */
    message: string;
  };
