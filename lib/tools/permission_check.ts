/** What the registry needs from the permission engine: the strict default gate and the span figures. */
import { type Attributes, KODELET, type ToolDecisionRecord } from "../telemetry/mod.ts";
import {
  defaultSettings,
  type GateDecision,
  PermissionGate,
  type PermissionMode,
} from "./permissions/mod.ts";

/** The system temp directory, where writes are allowed besides the working directory. */
export function systemTempDir(env: Record<string, string>): string {
  return env.TMPDIR ?? env.TEMP ?? env.TMP ?? (Deno.build.os === "windows" ? "C:\\Windows\\Temp" : "/tmp");
}

/** Ask mode with nobody to ask: what a tool environment gets when nobody configured permissions. */
export function strictGate(env: Record<string, string>): PermissionGate {
  return new PermissionGate(defaultSettings(), {
    tmpDir: systemTempDir(env),
    home: env.HOME ?? env.USERPROFILE ?? "/",
  });
}

/**
 * The decision as span attributes. Configured rules are configuration and always recorded; a rule
 * added by an "always" answer quotes the model's command or path, so it is content and recorded
 * only when content capture is on.
 */
export function decisionAttributes(decision: GateDecision, captureContent: boolean): Attributes {
  const rule = recordableRule(decision, captureContent);
  return {
    [KODELET.TOOL_DECISION]: decision.allow ? "allow" : "deny",
    [KODELET.TOOL_DECISION_SOURCE]: decision.source,
    ...(rule !== undefined ? { [KODELET.TOOL_DECISION_RULE]: rule } : {}),
    ...(decision.limit !== undefined ? { [KODELET.TOOL_DECISION_LIMIT]: decision.limit } : {}),
  };
}

/** The decision as the `kodelet.tool_decision` event's record: the same privacy rule as the span's. */
export function decisionRecord(
  call: { tool: string; callId: string },
  decision: GateDecision,
  mode: PermissionMode,
  captureContent: boolean,
): ToolDecisionRecord {
  return {
    tool: call.tool,
    callId: call.callId,
    decision: decision.allow ? "allow" : "deny",
    source: decision.source,
    rule: recordableRule(decision, captureContent),
    limit: decision.limit,
    mode,
  };
}

/** The deciding rules that may be recorded, joined; undefined when none. */
function recordableRule(decision: GateDecision, captureContent: boolean): string | undefined {
  const rules = decision.rules.filter((rule) => captureContent || rule.source !== "session");
  return rules.length > 0 ? rules.map((rule) => rule.text).join(", ") : undefined;
}
