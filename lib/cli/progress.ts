/** The short lines that show the agent's progress on stderr, and the closing summary. */
import type { AgentResult, CompactionResult } from "../agent/mod.ts";
import type { RetryNotice } from "../llm/mod.ts";
import { escapeControl } from "../safe_text.ts";
import type { Redactor } from "../telemetry/mod.ts";
import type { ToolResult } from "../tools/mod.ts";
import { formatCost, formatCount } from "./format.ts";

/** One line of text the model or a tool wrote: control characters shown as escapes, so `ESC[2K` cannot hide it. */
export function oneLine(text: string, max: number): string {
  const line = escapeControl(text.replace(/\s+/g, " ").trim());
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}

/** The most telling argument of a tool call, for a one-line preview. */
export function preview(input: Record<string, unknown>): string {
  for (const key of ["command", "path", "file_path", "pattern", "url", "question"]) {
    const value = input[key];
    if (typeof value === "string") return value;
  }
  return JSON.stringify(input);
}

/** "→ bash: deno test" */
export function toolStartLine(
  call: { name: string; input: Record<string, unknown> },
  redact: Redactor,
): string {
  return `→ ${escapeControl(call.name)}: ${oneLine(redact(preview(call.input)), 100)}`;
}

/** "  ✓ bash: 12 lines", "  ✗ bash: exit 3" or "  ✗ bash: timeout: ..." */
export function toolEndLine(call: { name: string }, result: ToolResult): string {
  const name = escapeControl(call.name);
  if (!result.ok) return `  ✗ ${name}: ${result.error.kind}: ${oneLine(result.error.message, 100)}`;
  if (result.failed !== undefined) return `  ✗ ${name}: ${oneLine(result.failed, 100)}`;
  // "fine\n" is one line: a final newline ends the last line, it does not start another.
  const lines = result.output === "" ? 0 : result.output.replace(/\n$/, "").split("\n").length;
  return `  ✓ ${name}: ${lines} line${lines === 1 ? "" : "s"}`;
}

/** The one-line summary at the end of a run. */
export function formatSummary(result: AgentResult, conversationId: string | undefined): string {
  const { usage } = result;
  const parts = [
    `${result.turns} turn${result.turns === 1 ? "" : "s"}`,
    `tokens in ${formatCount(usage.input)} out ${formatCount(usage.output)} cached ${
      formatCount(usage.cacheRead)
    } written ${formatCount(usage.cacheWrite)}`,
    formatCost(result.costUsd, "cost unknown"),
    result.durationMs < 1000
      ? `${Math.round(result.durationMs)}ms`
      : `${(result.durationMs / 1000).toFixed(1)}s`,
  ];
  if (result.context) parts.push(contextPart(result.context));
  if (result.stopReason === "max_turns") parts.push("stopped at max_turns");
  if (conversationId) parts.push(`conversation ${conversationId}`);
  return `kodelet: ${parts.join(" · ")}`;
}

/** "retrying in 2s (529 overloaded), attempt 2 of 5" */
export function retryLine(retry: RetryNotice): string {
  const wait = retry.delayMs >= 1000
    ? `${Math.round(retry.delayMs / 1000)}s`
    : `${(retry.delayMs / 1000).toFixed(1)}s`;
  return `retrying in ${wait} (${retry.reason}), attempt ${retry.attempt} of ${retry.attempts}`;
}

/** How to come back to a conversation after the chat ends. */
export function continueHint(conversationId: string): string {
  return `conversation ${conversationId} saved; continue with: kodelet chat --resume ${conversationId}` +
    ` (or kodelet run --follow "...")`;
}

/** "context 12% of 1,000,000": how full the model's window is. */
export function contextPart(context: { used: number; window: number }): string {
  return `context ${Math.round((context.used / context.window) * 100)}% of ${formatCount(context.window)}`;
}

/** The line that says a conversation was compacted. */
export function compactLine(result: CompactionResult): string {
  const why = result.reason === "threshold"
    ? "the context window was filling up"
    : result.reason === "prompt_too_long"
    ? "the provider refused the request as too long"
    : "asked for";
  return `kodelet: compacted the conversation (${why}): ~${formatCount(result.tokensBefore)} → ~${
    formatCount(result.tokensAfter)
  } tokens, ${result.messagesSummarised} message${
    result.messagesSummarised === 1 ? "" : "s"
  } summarised by ${result.model}`;
}
