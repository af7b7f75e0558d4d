/** What the registry needs from the permission engine: the strict default gate and the span figures. */
import { type Attributes, KODELET } from "../telemetry/mod.ts";
import { defaultSettings, type GateDecision, PermissionGate } from "./permissions/mod.ts";

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
  const rules = decision.rules.filter((rule) => captureContent || rule.source !== "session");
  return {
    [KODELET.TOOL_DECISION]: decision.allow ? "allow" : "deny",
    [KODELET.TOOL_DECISION_SOURCE]: decision.source,
    ...(rules.length > 0 ? { [KODELET.TOOL_DECISION_RULE]: rules.map((rule) => rule.text).join(", ") } : {}),
    ...(decision.limit !== undefined ? { [KODELET.TOOL_DECISION_LIMIT]: decision.limit } : {}),
  };
}
