/**
 * Context windows (total tokens a request may hold: input, cache reads and writes, and output) for
 * every model the price table names, so that kodelet knows how full a conversation is and compacts it
 * before the provider refuses it.
 *
 * Checked 2026-12-03 against stored copies of the providers' model pages:
 * - Anthropic: https://platform.claude.com/docs/<locale>/models/<model>/overview (haiku-5-5, sonnet-5,
 *   and the lineup tables on those pages: Fable 5.1/5.2, Opus 5.5, Sonnet 5.5, Haiku 5.5 at 1M;
 *   Haiku 4.5 at 200K), and Anthropic's models overview for the 4.x models.
 * - OpenAI: https://developers.openai.com/api/docs/models/<id> (gpt-5.6-luna and gpt-6.2-sol show
 *   1,050,000) and the long-standing figures of the older models.
 * A figure that could not be read off a provider page carries an `// unconfirmed: <why>` comment.
 *
 * OpenAI's window counts output too; Anthropic's 1M models reserve none of it for output either, so
 * one "used" figure (input + cache read + cache write + output) is compared with it for both.
 */
import { PRICES } from "./pricing.ts";

/** The window assumed for a model kodelet does not know (a local model, a new release). */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

const K = 1_000;
const M = 1_000_000;
/** OpenAI's "1M" models: 1,050,000 in total, of which up to 128K output. */
const OPENAI_1M = 1_050_000;
/** GPT-4.1's published window. */
const GPT_4_1 = 1_047_576;

const ANTHROPIC: Record<string, number> = {
  "claude-fable-5-2": M,
  "claude-mythos-5-2": M,
  "claude-haiku-5-5": M,
  "claude-sonnet-5-5": M,
  "claude-fable-5-1": M,
  "claude-opus-5-5": M,
  "claude-mythos-5-1": M,
  "claude-sonnet-5": M,
  "claude-fable-5": M,
  "claude-mythos-5": M,
  "claude-opus-5": M,
  // Opus 4.7 is listed at 1M in third-party copies of the models overview; 4.8 follows it.
  // unconfirmed: no stored provider page for opus-4-8.
  "claude-opus-4-8": M,
  "claude-opus-4-7": M,
  // unconfirmed: invitation-only model, assumed to have the window of its Fable release.
  "claude-mythos-preview": M,
  "claude-opus-4-6": M,
  "claude-sonnet-4-6": M,
  "claude-haiku-4-5": 200 * K,
  "claude-haiku-4-5-20251001": 200 * K,
  "claude-opus-4-5": 200 * K,
  "claude-opus-4-5-20251101": 200 * K,
  // 1M only with a beta header kodelet does not send.
  "claude-sonnet-4-5": 200 * K,
  "claude-sonnet-4-5-20250929": 200 * K,
};

const OPENAI: Record<string, number> = {
  "gpt-6-astra": OPENAI_1M,
  "gpt-6.1-sol": OPENAI_1M,
  // unconfirmed: model page not in the stored copies; third-party lists give the family's 1.05M.
  "gpt-6.1-terra": OPENAI_1M,
  "gpt-6-sol": OPENAI_1M,
  "gpt-6-luna": OPENAI_1M,
  "gpt-5.6-sol": OPENAI_1M,
  "gpt-5.6-terra": OPENAI_1M,
  "gpt-5.6-luna": OPENAI_1M,
  // unconfirmed: from third-party lists.
  "gpt-5.5": OPENAI_1M,
  "gpt-5.5-2026-04-23": OPENAI_1M,
  "gpt-5.4": OPENAI_1M,
  "gpt-5.4-mini": 400 * K,
  "gpt-5.4-nano": 400 * K,
  "gpt-5.4-mini-2026-03-17": 400 * K,
  "gpt-5.4-nano-2026-03-17": 400 * K,
  "gpt-5.3-chat-latest": 128 * K,
  "gpt-5.2": 400 * K,
  "gpt-5.2-2025-12-11": 400 * K,
  "gpt-5.2-chat-latest": 128 * K,
  "gpt-5.2-pro": 400 * K,
  "gpt-5.2-pro-2025-12-11": 400 * K,
  "gpt-5.1": 400 * K,
  "gpt-5.1-2025-11-13": 400 * K,
  "gpt-5.1-codex": 400 * K,
  "gpt-5.1-mini": 400 * K,
  "gpt-5.1-chat-latest": 128 * K,
  "gpt-5": 400 * K,
  "gpt-5-mini": 400 * K,
  "gpt-5-nano": 400 * K,
  "gpt-5-2025-08-07": 400 * K,
  "gpt-5-mini-2025-08-07": 400 * K,
  "gpt-5-nano-2025-08-07": 400 * K,
  "gpt-5-chat-latest": 128 * K,
  "gpt-4.1": GPT_4_1,
  "gpt-4.1-mini": GPT_4_1,
  "gpt-4.1-nano": GPT_4_1,
  "gpt-4.1-2025-04-14": GPT_4_1,
  "gpt-4.1-mini-2025-04-14": GPT_4_1,
  "gpt-4.1-nano-2025-04-14": GPT_4_1,
  "o4-mini": 200 * K,
  "o4-mini-2025-04-16": 200 * K,
  "o3": 200 * K,
  "o3-2025-04-16": 200 * K,
  "o3-mini": 200 * K,
  "o3-mini-2025-01-31": 200 * K,
  "o1": 200 * K,
  "o1-2024-12-17": 200 * K,
  "o1-preview": 128 * K,
  "o1-preview-2024-09-12": 128 * K,
  "o1-mini": 128 * K,
  "o1-mini-2024-09-12": 128 * K,
  "gpt-4o": 128 * K,
  "gpt-4o-2024-11-20": 128 * K,
  "gpt-4o-2024-08-06": 128 * K,
  "gpt-4o-2024-05-13": 128 * K,
  "gpt-audio-mini": 128 * K,
  "gpt-audio-mini-2025-12-15": 128 * K,
  "gpt-4o-audio-preview": 128 * K,
  "gpt-4o-audio-preview-2024-10-01": 128 * K,
  "gpt-4o-audio-preview-2024-12-17": 128 * K,
  "gpt-4o-audio-preview-2025-06-03": 128 * K,
  "gpt-4o-mini-audio-preview": 128 * K,
  "gpt-4o-mini-audio-preview-2024-12-17": 128 * K,
  "gpt-4o-search-preview": 128 * K,
  "gpt-4o-mini-search-preview": 128 * K,
  "gpt-4o-search-preview-2025-03-11": 128 * K,
  "gpt-4o-mini-search-preview-2025-03-11": 128 * K,
  "chatgpt-4o-latest": 128 * K,
  "codex-mini-latest": 200 * K,
  "gpt-4o-mini": 128 * K,
  "gpt-4o-mini-2024-07-18": 128 * K,
  "gpt-4-turbo": 128 * K,
  "gpt-4-turbo-2024-04-09": 128 * K,
  "gpt-4-0125-preview": 128 * K,
  "gpt-4-turbo-preview": 128 * K,
  "gpt-4-1106-preview": 128 * K,
  "gpt-4-vision-preview": 128 * K,
  "gpt-4": 8_192,
  "gpt-4-0314": 8_192,
  "gpt-4-0613": 8_192,
  "gpt-4-32k": 32_768,
  "gpt-4-32k-0314": 32_768,
  "gpt-4-32k-0613": 32_768,
  "gpt-3.5-turbo": 16_385,
  "gpt-3.5-turbo-16k": 16_385,
  "gpt-3.5-turbo-0301": 4_096,
  "gpt-3.5-turbo-0613": 4_096,
  "gpt-3.5-turbo-1106": 16_385,
  "gpt-3.5-turbo-0125": 16_385,
  "gpt-3.5-turbo-16k-0613": 16_385,
};

const GUARDS: Record<string, number> = {
  "o1-pro": 200 * K,
  "o3-pro": 200 * K,
  "gpt-5-pro": 400 * K,
  "gpt-5.4-pro": OPENAI_1M,
  "gpt-5.5-pro": OPENAI_1M,
  "gpt-5.1-codex-mini": 400 * K,
};

/** Every model of the price table, its context window in tokens. */
export const CONTEXT_WINDOWS: Readonly<Record<string, number>> = Object.freeze({
  ...ANTHROPIC,
  ...OPENAI,
  ...GUARDS,
});

const IDS_LONGEST_FIRST: readonly string[] = Object.keys(CONTEXT_WINDOWS).sort((a, b) => b.length - a.length);

/**
 * The context window of `model`: `override` when configured (context.window), else the table's entry,
 * else that of the longest known id followed by "-" (as prices are found), else the default.
 */
export function contextWindowOf(model: string, override?: number): number {
  if (override !== undefined) return override;
  if (Object.hasOwn(CONTEXT_WINDOWS, model)) return CONTEXT_WINDOWS[model] as number;
  for (const id of IDS_LONGEST_FIRST) {
    if (model.startsWith(`${id}-`)) return CONTEXT_WINDOWS[id] as number;
  }
  return DEFAULT_CONTEXT_WINDOW;
}

/** The models with a price but no window (a test keeps this empty). */
export function modelsWithoutWindow(): string[] {
  return Object.keys(PRICES).filter((id) => !Object.hasOwn(CONTEXT_WINDOWS, id));
}
