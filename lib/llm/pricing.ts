/**
 * USD prices per million tokens for every model the pinned SDKs name, and the cost of one request.
 *
 * Checked 2026-11-25 against stored copies of the providers' own pages (the copies date from
 * September to November 2026):
 * - Anthropic: https://platform.claude.com/docs/en/about-claude/pricing ("Model pricing" table) and the
 *   per-model pages https://platform.claude.com/docs/<locale>/models/<model>/overview (sonnet-5-5,
 *   opus-5-5, opus-5, sonnet-5, haiku-5-5, sonnet-4-6, sonnet-4-5, haiku-4-5, opus-4-6; the Indonesian
 *   sonnet-5 page lists Claude Fable 5.2 at $8 / $40).
 * - OpenAI: https://developers.openai.com/api/docs/pricing and the model pages
 *   https://developers.openai.com/api/docs/models/<id> (gpt-6-sol, gpt-5.6-sol, gpt-5.6-luna,
 *   gpt-5.3-chat-latest, gpt-5-mini, gpt-5-nano, gpt-5-codex, codex-mini-latest, gpt-audio-mini,
 *   gpt-4o-mini-audio-preview, gpt-4, gpt-4-turbo, gpt-3.5-turbo, and the model-compare page for
 *   gpt-6-astra), plus an automated copy of developers.openai.com/api/docs/pricing.md dated 2026-09-13.
 * A price that could not be read off one of those pages carries an `// unconfirmed: <why>` comment;
 * most of those were cross-checked against several third-party price lists that quote the provider.
 *
 * Semantics of the four rates:
 * - `input`: uncached input. `cacheRead`: cache hits (Anthropic "cache hits and refreshes", OpenAI
 *   "cached input"). `output`: output including reasoning/thinking tokens.
 * - `cacheWrite`: Anthropic's 5-minute cache write. OpenAI models before GPT-5.6 bill no cache writes
 *   (0). The GPT-5.6 and GPT-6 families do bill them (1.25x input, 30-minute retention); for those the
 *   caller should pass the cache-write tokens the response reports and leave them out of `input`.
 * - Models without a cached-input discount get `cacheRead` equal to `input`, so any cached tokens that
 *   are reported are billed at the full input rate rather than for free.
 * - `longPrompt`: when the whole prompt (input + cacheRead + cacheWrite) is strictly greater than
 *   `thresholdTokens`, every token of that request is billed at the long-prompt rates, output
 *   included. Used for Claude Haiku 5.5 (> 100K) and OpenAI's > 272K tier.
 *
 * Simplifications (not modelled): batch/flex/priority/fast-mode tiers, regional or `inference_geo`
 * uplifts, Anthropic 1-hour cache writes (2x input; callers pass them as `cacheWrite`, which
 * underestimates), OpenAI 12-hour cache writes, audio/image token rates of the audio and realtime
 * models (text-token rates only), and per-call tool fees such as web search.
 */

/** USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  longPrompt?: {
    thresholdTokens: number;
    input: number;
    output: number;
    cacheRead: number;
    cacheWrite: number;
  };
}

/**
 * Token counts of one request. `input` is the uncached input: Anthropic's `input_tokens`; for OpenAI
 * the caller passes `prompt_tokens - cached_tokens` (minus cache-write tokens where they are billed).
 */
export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

type LongPrompt = NonNullable<ModelPrice["longPrompt"]>;

function price(input: number, output: number, cacheRead: number, cacheWrite: number): ModelPrice {
  return Object.freeze({ input, output, cacheRead, cacheWrite });
}

function withLongPrompt(base: ModelPrice, longPrompt: LongPrompt): ModelPrice {
  return Object.freeze({ ...base, longPrompt: Object.freeze({ ...longPrompt }) });
}

/** OpenAI's > 272K rule: input and cache rates double and output costs 1.5x, for the whole request. */
function openAiLongContext(base: ModelPrice): ModelPrice {
  return withLongPrompt(base, {
    thresholdTokens: 272_000,
    input: base.input * 2,
    output: base.output * 1.5,
    cacheRead: base.cacheRead * 2,
    cacheWrite: base.cacheWrite * 2,
  });
}

// ---------------------------------------------------------------- Anthropic (SDK 1.11.0 `Model`)

// unconfirmed: only input/output ($8 / $40) appear on a provider page (the sonnet-5 overview's lineup
// table); the $0.20 cache read and $10 5-minute write come from third-party lists quoting the
// pricing page (released 2026-11-09).
const FABLE_5_2 = price(8, 40, 0.2, 10);
const FABLE_5_1 = price(10, 50, 0.25, 12.5);
const FABLE_5 = price(10, 50, 1, 12.5);
const OPUS_5_5 = price(4, 20, 0.2, 5);
const OPUS_4_5_TO_5 = price(5, 25, 0.5, 6.25);
const SONNET_5 = price(2, 10, 0.2, 2.5);
// unconfirmed: the stored provider page still shows a $0.20 cache read; several third-party lists
// audited against the pricing page report Anthropic cut it to $0.10 (0.05x) on 2026-10-07.
const SONNET_5_5 = price(2, 10, 0.1, 2.5);
// Model pages show $3 / $15 only. unconfirmed: cache rates assume Anthropic's standard 0.1x read and
// 1.25x 5-minute write; the pricing-table rows were cut off in the stored copy. No long-context tier is
// modelled (the pages list one price for the whole window).
const SONNET_4_X = price(3, 15, 0.3, 3.75);
// Model page shows $1 / $5. unconfirmed: cache rates assume the standard 0.1x / 1.25x multipliers.
const HAIKU_4_5 = price(1, 5, 0.1, 1.25);
// Provider page shows "From $0.10 / $0.50". unconfirmed: the cache rates and the > 100K-token tier
// ($0.50 / $2.50, cache read $0.05, write $0.625) come from third-party lists quoting the pricing page.
const HAIKU_5_5 = withLongPrompt(price(0.1, 0.5, 0.01, 0.125), {
  thresholdTokens: 100_000,
  input: 0.5,
  output: 2.5,
  cacheRead: 0.05,
  cacheWrite: 0.625,
});
// unconfirmed: invitation-only model; $25 / $125 is reported by press coverage of Project Glasswing,
// not on a provider page, and the cache rates assume the standard 0.1x / 1.25x multipliers.
const MYTHOS_PREVIEW = price(25, 125, 2.5, 31.25);

const ANTHROPIC: Record<string, ModelPrice> = {
  "claude-fable-5-2": FABLE_5_2,
  // unconfirmed: Mythos shares its Fable release's price on every earlier release; for 5.2 that is
  // stated by third parties only.
  "claude-mythos-5-2": FABLE_5_2,
  "claude-haiku-5-5": HAIKU_5_5,
  "claude-sonnet-5-5": SONNET_5_5,
  "claude-fable-5-1": FABLE_5_1,
  "claude-opus-5-5": OPUS_5_5,
  "claude-mythos-5-1": FABLE_5_1,
  "claude-sonnet-5": SONNET_5,
  "claude-fable-5": FABLE_5,
  "claude-mythos-5": FABLE_5,
  "claude-opus-5": OPUS_4_5_TO_5,
  "claude-opus-4-8": OPUS_4_5_TO_5,
  "claude-opus-4-7": OPUS_4_5_TO_5,
  "claude-mythos-preview": MYTHOS_PREVIEW,
  "claude-opus-4-6": OPUS_4_5_TO_5,
  "claude-sonnet-4-6": SONNET_4_X,
  "claude-haiku-4-5": HAIKU_4_5,
  "claude-haiku-4-5-20251001": HAIKU_4_5,
  "claude-opus-4-5": OPUS_4_5_TO_5,
  "claude-opus-4-5-20251101": OPUS_4_5_TO_5,
  "claude-sonnet-4-5": SONNET_4_X,
  "claude-sonnet-4-5-20250929": SONNET_4_X,
};

// ---------------------------------------------------------------- OpenAI (SDK 7.57.0 `ChatModel`)

// Confirmed on the model-compare page ($10 / $1 cached / $12.50 cache write / $50) and in the
// 2026-09-13 copy of pricing.md, which also lists the > 272K rates.
const GPT_6_ASTRA = openAiLongContext(price(10, 50, 1, 12.5));
// unconfirmed: model page not in the stored copies; $2 / $0.10 cached / $2.50 write / $10 and the
// > 272K rule come from several third-party lists quoting it (released 2026-09-29).
const GPT_6_1_SOL = openAiLongContext(price(2, 10, 0.1, 2.5));
// unconfirmed: model page not in the stored copies; $1 / $0.05 / $1.25 write / $5 from several
// third-party lists quoting it (released 2026-10-26).
const GPT_6_1_TERRA = openAiLongContext(price(1, 5, 0.05, 1.25));
const GPT_6_SOL = openAiLongContext(price(2, 10, 0.2, 2.5));
// unconfirmed: model page not in the stored copies; $0.10 / $0.01 / $0.125 write / $0.50 from
// third-party lists quoting it.
const GPT_6_LUNA = openAiLongContext(price(0.1, 0.5, 0.01, 0.125));
// unconfirmed: the model page calls this $4 / $20 rate a promotion "at least through 2026-11-21";
// whether it still applies on 2026-11-25 could not be checked (the list price was $5 / $30).
const GPT_5_6_SOL = openAiLongContext(price(4, 20, 0.4, 5));
// unconfirmed: a provider page shows the $2 input; the $0.20 cached and $12 output rates are from
// third-party lists.
const GPT_5_6_TERRA = openAiLongContext(price(2, 12, 0.2, 2.5));
const GPT_5_6_LUNA = openAiLongContext(price(0.2, 1.2, 0.02, 0.25));
// unconfirmed: a provider page shows the $5 input; $0.50 cached and $30 output are from third-party
// lists, and the > 272K tier is assumed to follow the rule OpenAI states for later models.
const GPT_5_5 = openAiLongContext(price(5, 30, 0.5, 0));
// unconfirmed: a provider page shows the $2.50 input; $0.25 cached, $15 output and the > 272K tier
// are from third-party lists.
const GPT_5_4 = openAiLongContext(price(2.5, 15, 0.25, 0));
// unconfirmed: provider pages show the $0.75 (mini) and $0.20 (nano) inputs; cached and output rates
// are from third-party lists.
const GPT_5_4_MINI = price(0.75, 4.5, 0.075, 0);
const GPT_5_4_NANO = price(0.2, 1.25, 0.02, 0);
const GPT_5_3_CHAT = price(1.75, 14, 0.175, 0);
// unconfirmed: $1.75 / $0.175 / $14 from third-party lists; model page not in the stored copies.
const GPT_5_2 = price(1.75, 14, 0.175, 0);
// unconfirmed: $21 / $168 with no cached-input discount, as OpenAI listed it at launch (Dec 2025);
// model page not in the stored copies.
const GPT_5_2_PRO = price(21, 168, 21, 0);
// GPT-5's $1.25 / $0.125 / $10 is confirmed on the gpt-5-codex page.
const GPT_5 = price(1.25, 10, 0.125, 0);
const GPT_5_MINI = price(0.25, 2, 0.025, 0);
const GPT_5_NANO = price(0.05, 0.4, 0.005, 0);
// unconfirmed: GPT-5.1 and its codex / chat variants priced like GPT-5, as OpenAI listed them at
// launch; model pages not in the stored copies.
const GPT_5_1 = price(1.25, 10, 0.125, 0);
// unconfirmed: no provider page or price list names `gpt-5.1-mini`; priced like gpt-5-mini and
// gpt-5.1-codex-mini.
const GPT_5_1_MINI = price(0.25, 2, 0.025, 0);
// unconfirmed: long-standing rate from OpenAI's pricing page; model page not in the stored copies.
const GPT_4_1 = price(2, 8, 0.5, 0);
// unconfirmed: as GPT_4_1.
const GPT_4_1_MINI = price(0.4, 1.6, 0.1, 0);
// unconfirmed: as GPT_4_1 (a third-party change citing the pricing page confirms the $0.025 cache).
const GPT_4_1_NANO = price(0.1, 0.4, 0.025, 0);
// unconfirmed: as GPT_4_1.
const O4_MINI = price(1.1, 4.4, 0.275, 0);
// unconfirmed: as GPT_4_1.
const O3 = price(2, 8, 0.5, 0);
// unconfirmed: as GPT_4_1.
const O3_MINI = price(1.1, 4.4, 0.55, 0);
// unconfirmed: as GPT_4_1; o1-preview is priced like o1.
const O1 = price(15, 60, 7.5, 0);
// unconfirmed: as GPT_4_1.
const O1_MINI = price(1.1, 4.4, 0.55, 0);
// unconfirmed: as GPT_4_1.
const GPT_4O = price(2.5, 10, 1.25, 0);
// unconfirmed: as GPT_4_1; the original GPT-4o snapshot has no cached-input discount.
const GPT_4O_2024_05_13 = price(5, 15, 5, 0);
// unconfirmed: as GPT_4_1 (a third-party change citing the pricing page confirms the $0.075 cache).
const GPT_4O_MINI = price(0.15, 0.6, 0.075, 0);
// Audio models: text-token rates only; audio tokens are billed far higher and are not modelled.
const GPT_AUDIO_MINI = price(0.6, 2.4, 0.6, 0);
// unconfirmed: $2.50 / $10 text rates with no cached discount; model page not in the stored copies.
const GPT_4O_AUDIO = price(2.5, 10, 2.5, 0);
const GPT_4O_MINI_AUDIO = price(0.15, 0.6, 0.15, 0);
// unconfirmed: text tokens at GPT-4o / GPT-4o mini rates plus a per-call search fee (not modelled);
// model pages not in the stored copies.
const GPT_4O_SEARCH = price(2.5, 10, 2.5, 0);
const GPT_4O_MINI_SEARCH = price(0.15, 0.6, 0.15, 0);
// unconfirmed: $5 / $15 with no cached discount; model page not in the stored copies.
const CHATGPT_4O = price(5, 15, 5, 0);
const CODEX_MINI = price(1.5, 6, 0.375, 0);
const GPT_4_TURBO = price(10, 30, 10, 0);
const GPT_4 = price(30, 60, 30, 0);
// unconfirmed: $60 / $120 for the 32K-context GPT-4; model page not in the stored copies.
const GPT_4_32K = price(60, 120, 60, 0);
const GPT_3_5_TURBO = price(0.5, 1.5, 0.5, 0);
// unconfirmed: older GPT-3.5 Turbo snapshots at their last listed rates; not in the stored copies.
const GPT_3_5_TURBO_1106 = price(1, 2, 1, 0);
// unconfirmed: as GPT_3_5_TURBO_1106.
const GPT_3_5_TURBO_0613 = price(1.5, 2, 1.5, 0);
// unconfirmed: as GPT_3_5_TURBO_1106.
const GPT_3_5_TURBO_16K = price(3, 4, 3, 0);

const OPENAI: Record<string, ModelPrice> = {
  "gpt-6-astra": GPT_6_ASTRA,
  "gpt-6.1-sol": GPT_6_1_SOL,
  "gpt-6.1-terra": GPT_6_1_TERRA,
  "gpt-6-sol": GPT_6_SOL,
  "gpt-6-luna": GPT_6_LUNA,
  "gpt-5.6-sol": GPT_5_6_SOL,
  "gpt-5.6-terra": GPT_5_6_TERRA,
  "gpt-5.6-luna": GPT_5_6_LUNA,
  "gpt-5.5": GPT_5_5,
  "gpt-5.5-2026-04-23": GPT_5_5,
  "gpt-5.4": GPT_5_4,
  "gpt-5.4-mini": GPT_5_4_MINI,
  "gpt-5.4-nano": GPT_5_4_NANO,
  "gpt-5.4-mini-2026-03-17": GPT_5_4_MINI,
  "gpt-5.4-nano-2026-03-17": GPT_5_4_NANO,
  "gpt-5.3-chat-latest": GPT_5_3_CHAT,
  "gpt-5.2": GPT_5_2,
  "gpt-5.2-2025-12-11": GPT_5_2,
  "gpt-5.2-chat-latest": GPT_5_2,
  "gpt-5.2-pro": GPT_5_2_PRO,
  "gpt-5.2-pro-2025-12-11": GPT_5_2_PRO,
  "gpt-5.1": GPT_5_1,
  "gpt-5.1-2025-11-13": GPT_5_1,
  "gpt-5.1-codex": GPT_5_1,
  "gpt-5.1-mini": GPT_5_1_MINI,
  "gpt-5.1-chat-latest": GPT_5_1,
  "gpt-5": GPT_5,
  "gpt-5-mini": GPT_5_MINI,
  "gpt-5-nano": GPT_5_NANO,
  "gpt-5-2025-08-07": GPT_5,
  "gpt-5-mini-2025-08-07": GPT_5_MINI,
  "gpt-5-nano-2025-08-07": GPT_5_NANO,
  // unconfirmed: assumed priced like GPT-5, as at launch.
  "gpt-5-chat-latest": GPT_5,
  "gpt-4.1": GPT_4_1,
  "gpt-4.1-mini": GPT_4_1_MINI,
  "gpt-4.1-nano": GPT_4_1_NANO,
  "gpt-4.1-2025-04-14": GPT_4_1,
  "gpt-4.1-mini-2025-04-14": GPT_4_1_MINI,
  "gpt-4.1-nano-2025-04-14": GPT_4_1_NANO,
  "o4-mini": O4_MINI,
  "o4-mini-2025-04-16": O4_MINI,
  "o3": O3,
  "o3-2025-04-16": O3,
  "o3-mini": O3_MINI,
  "o3-mini-2025-01-31": O3_MINI,
  "o1": O1,
  "o1-2024-12-17": O1,
  "o1-preview": O1,
  "o1-preview-2024-09-12": O1,
  "o1-mini": O1_MINI,
  "o1-mini-2024-09-12": O1_MINI,
  "gpt-4o": GPT_4O,
  "gpt-4o-2024-11-20": GPT_4O,
  "gpt-4o-2024-08-06": GPT_4O,
  "gpt-4o-2024-05-13": GPT_4O_2024_05_13,
  "gpt-audio-mini": GPT_AUDIO_MINI,
  "gpt-audio-mini-2025-12-15": GPT_AUDIO_MINI,
  "gpt-4o-audio-preview": GPT_4O_AUDIO,
  "gpt-4o-audio-preview-2024-10-01": GPT_4O_AUDIO,
  "gpt-4o-audio-preview-2024-12-17": GPT_4O_AUDIO,
  "gpt-4o-audio-preview-2025-06-03": GPT_4O_AUDIO,
  "gpt-4o-mini-audio-preview": GPT_4O_MINI_AUDIO,
  "gpt-4o-mini-audio-preview-2024-12-17": GPT_4O_MINI_AUDIO,
  "gpt-4o-search-preview": GPT_4O_SEARCH,
  "gpt-4o-mini-search-preview": GPT_4O_MINI_SEARCH,
  "gpt-4o-search-preview-2025-03-11": GPT_4O_SEARCH,
  "gpt-4o-mini-search-preview-2025-03-11": GPT_4O_MINI_SEARCH,
  "chatgpt-4o-latest": CHATGPT_4O,
  "codex-mini-latest": CODEX_MINI,
  "gpt-4o-mini": GPT_4O_MINI,
  "gpt-4o-mini-2024-07-18": GPT_4O_MINI,
  "gpt-4-turbo": GPT_4_TURBO,
  "gpt-4-turbo-2024-04-09": GPT_4_TURBO,
  // unconfirmed: the GPT-4 Turbo previews at the GPT-4 Turbo rate, as last listed.
  "gpt-4-0125-preview": GPT_4_TURBO,
  "gpt-4-turbo-preview": GPT_4_TURBO,
  "gpt-4-1106-preview": GPT_4_TURBO,
  "gpt-4-vision-preview": GPT_4_TURBO,
  "gpt-4": GPT_4,
  // unconfirmed: older GPT-4 snapshots at the GPT-4 rate, as last listed.
  "gpt-4-0314": GPT_4,
  "gpt-4-0613": GPT_4,
  "gpt-4-32k": GPT_4_32K,
  "gpt-4-32k-0314": GPT_4_32K,
  "gpt-4-32k-0613": GPT_4_32K,
  "gpt-3.5-turbo": GPT_3_5_TURBO,
  "gpt-3.5-turbo-16k": GPT_3_5_TURBO_16K,
  "gpt-3.5-turbo-0301": GPT_3_5_TURBO_0613,
  "gpt-3.5-turbo-0613": GPT_3_5_TURBO_0613,
  "gpt-3.5-turbo-1106": GPT_3_5_TURBO_1106,
  "gpt-3.5-turbo-0125": GPT_3_5_TURBO,
  "gpt-3.5-turbo-16k-0613": GPT_3_5_TURBO_16K,
};

// ---------------------------------------------------------------- Guards (not in either SDK list)

// These real model ids are not in the SDK unions, but the prefix rule of `priceOf` would otherwise
// price them as a much cheaper (or dearer) sibling: "o3-pro" as "o3", "gpt-5.5-pro" as "gpt-5.5".
// unconfirmed (all of them): rates as OpenAI listed them, from third-party lists; no cached-input
// discount is assumed for the pro models, so a cached token is never billed below the input rate.
const GUARDS: Record<string, ModelPrice> = {
  "o1-pro": price(150, 600, 150, 0),
  "o3-pro": price(20, 80, 20, 0),
  "gpt-5-pro": price(15, 120, 15, 0),
  "gpt-5.4-pro": price(30, 180, 30, 0),
  "gpt-5.5-pro": price(30, 180, 30, 0),
  "gpt-5.1-codex-mini": GPT_5_1_MINI,
};

/** Every known model id, its price in USD per 1M tokens. */
export const PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  ...ANTHROPIC,
  ...OPENAI,
  ...GUARDS,
});

const KNOWN_IDS_LONGEST_FIRST: readonly string[] = Object.keys(PRICES).sort((a, b) => b.length - a.length);

/**
 * The price of `model`: its own entry if there is one, else that of the longest known id that is a
 * prefix of `model` followed by "-" (so "claude-sonnet-5-5-20261001" is priced as
 * "claude-sonnet-5-5"), else undefined.
 */
export function priceOf(model: string): ModelPrice | undefined {
  if (Object.hasOwn(PRICES, model)) return PRICES[model];
  for (const id of KNOWN_IDS_LONGEST_FIRST) {
    if (model.startsWith(`${id}-`)) return PRICES[id];
  }
  return undefined;
}

const TOKENS_PER_UNIT = 1_000_000;

/**
 * The cost in USD of one request, or undefined when the model has no known price (a local model,
 * say): the caller shows "cost unknown", never $0. Throws a RangeError for a negative or non-finite
 * token count.
 */
export function costUsd(model: string, tokens: TokenCounts): number | undefined {
  const found = priceOf(model);
  if (found === undefined) return undefined;
  for (const field of ["input", "output", "cacheRead", "cacheWrite"] as const) {
    const count = tokens[field];
    if (!Number.isFinite(count) || count < 0) {
      throw new RangeError(`token count ${field} must be a finite number >= 0, got ${count}`);
    }
  }
  const promptTokens = tokens.input + tokens.cacheRead + tokens.cacheWrite;
  const rates = found.longPrompt !== undefined && promptTokens > found.longPrompt.thresholdTokens
    ? found.longPrompt
    : found;
  return (tokens.input * rates.input +
    tokens.output * rates.output +
    tokens.cacheRead * rates.cacheRead +
    tokens.cacheWrite * rates.cacheWrite) / TOKENS_PER_UNIT;
}
