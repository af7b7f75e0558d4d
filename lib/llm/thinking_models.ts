/**
 * Which Anthropic models think, and how a request asks them to: the thinking column of the model
 * table, beside prices (pricing.ts) and context windows (context_windows.ts).
 *
 * Checked 2026-12-03 against stored copies of Anthropic's "Troubleshooting thinking" page (its table
 * of thinking types, defaults and the values each model rejects with a 400) and the Sonnet 5.5
 * overview's lineup table:
 * - "extended": only `{type: "enabled", budget_tokens}` (Claude 4.5 and older); off unless asked.
 * - "adaptive": only `{type: "adaptive"}` (4.6 and later; 4.6 still takes the deprecated "enabled",
 *   4.7 and later refuse it). The model decides how much to think; `budget_tokens` is not sent.
 *   `canDisable` is false where `{type: "disabled"}` is refused (thinking is always on there).
 *
 * Adaptive models return their thinking "omitted" (an empty block with its signature) unless the
 * request asks for `display: "summarized"`; Sonnet 5.5 even puts its text between tool calls in
 * thinking blocks. kodelet always asks for the summary, so a user sees what the model is doing.
 * A model not in this table gets no thinking parameter at all: it cannot be refused for it.
 */
import type { ThinkingConfigParam } from "@anthropic-ai/sdk/resources/messages";

/** How a model thinks. */
export type ThinkingSupport =
  | { mode: "extended" }
  | { mode: "adaptive"; canDisable: boolean };

const EXTENDED: ThinkingSupport = { mode: "extended" };
/** Adaptive, and `disabled` turns it off. */
const ADAPTIVE: ThinkingSupport = { mode: "adaptive", canDisable: true };
/** Adaptive and always on: `disabled` is refused (Opus 5 takes it only at low effort; never sent). */
const ALWAYS: ThinkingSupport = { mode: "adaptive", canDisable: false };

const THINKING: Record<string, ThinkingSupport> = {
  "claude-fable-5-2": ALWAYS,
  // unconfirmed: not in the stored table; assumed like the Fable release it shares a price with.
  "claude-mythos-5-2": ALWAYS,
  // unconfirmed: a third-party release note says `disabled` works at the default effort.
  "claude-haiku-5-5": ADAPTIVE,
  // Accepts adaptive and between_tools; `disabled` is refused.
  "claude-sonnet-5-5": ALWAYS,
  "claude-fable-5-1": ALWAYS,
  "claude-opus-5-5": ALWAYS,
  // unconfirmed: assumed like Fable 5.1.
  "claude-mythos-5-1": ALWAYS,
  "claude-sonnet-5": ADAPTIVE,
  "claude-fable-5": ALWAYS,
  "claude-mythos-5": ALWAYS,
  "claude-opus-5": ALWAYS,
  "claude-opus-4-8": ADAPTIVE,
  "claude-opus-4-7": ADAPTIVE,
  "claude-mythos-preview": ALWAYS,
  "claude-opus-4-6": ADAPTIVE,
  "claude-sonnet-4-6": ADAPTIVE,
  "claude-haiku-4-5": EXTENDED,
  "claude-opus-4-5": EXTENDED,
  "claude-sonnet-4-5": EXTENDED,
  "claude-opus-4-1": EXTENDED,
};

/**
 * How `model` thinks, undefined for a model kodelet does not know. A dated id takes its family's
 * entry ("claude-sonnet-4-5-20250929" is "claude-sonnet-4-5"), as prices do.
 */
export function thinkingSupportOf(model: string): ThinkingSupport | undefined {
  const exact = THINKING[model];
  if (exact) return exact;
  const family = Object.keys(THINKING)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family === undefined ? undefined : THINKING[family];
}

/** The models in the table (tests check every priced Anthropic model is in it). */
export const THINKING_MODELS: readonly string[] = Object.keys(THINKING);

/**
 * The `thinking` parameter of a request to `model` with the configured budget (0 = off), or
 * undefined when none is sent: an unknown model, an extended-thinking model with thinking off, or a
 * budget that does not leave room for the answer in max_tokens.
 */
export function thinkingParam(
  model: string,
  budgetTokens: number,
  maxTokens: number,
): ThinkingConfigParam | undefined {
  const support = thinkingSupportOf(model);
  if (!support) return undefined;
  if (support.mode === "extended") {
    return budgetTokens > 0 && budgetTokens < maxTokens
      ? { type: "enabled", budget_tokens: budgetTokens }
      : undefined;
  }
  if (budgetTokens === 0 && support.canDisable) return { type: "disabled" };
  return { type: "adaptive", display: "summarized" };
}
