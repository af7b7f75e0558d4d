/**
 * Permissions: which tool calls run freely, which are refused, and which the user is asked about.
 * A mode (ask, accept-edits, read-only, yolo), allow and deny rules (deny beats allow, a matching
 * rule beats the mode), compound bash commands judged part by part, hard limits that hold in every
 * mode, and the Approver seam through which a terminal (line mode or the TUI) asks the user.
 */
import type { RuleEntry } from "../../config/mod.ts";
import { UsageError } from "../../errors.ts";
import { parseRule, RuleError } from "./rules.ts";
import type { PermissionMode, Rule } from "./types.ts";

export { type CommandPart, judgedParts, parseCommand, type ParsedCommand } from "./bash_parts.ts";
export { catastrophicReason } from "./catastrophic.ts";
export { type GateDecision, type GateOptions, PermissionGate, type PermissionSettings } from "./gate.ts";
export {
  commandLimit,
  type HardLimit,
  type HostResolver,
  isPrivateAddress,
  networkLimit,
  resolveHost,
  writeLimit,
} from "./hard_limits.ts";
export { type CallFacts, judge, type JudgeContext, type Judgement, offeredInReadOnly } from "./judge.ts";
export { parseRule, RuleError } from "./rules.ts";
export { BUILTIN_TOOLS, EDIT_TOOLS, FREE_TOOLS } from "./tool_kinds.ts";
export * from "./types.ts";

/** Parses configured rules; a bad one is a usage error naming the rule and its source. */
export function parseRules(
  key: "permissions.allow" | "permissions.deny",
  entries: readonly RuleEntry[],
): Rule[] {
  return entries.map((entry) => {
    try {
      return parseRule(entry.rule, entry.source);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      throw new UsageError(`Invalid ${key} rule "${entry.rule}" (from ${entry.source}): ${error.message}`);
    }
  });
}

/** The settings nobody configured: ask mode, no rules. */
export function defaultSettings(): { mode: PermissionMode; allow: Rule[]; deny: Rule[] } {
  return { mode: "ask", allow: [], deny: [] };
}
