/**
 * Context-window management for one conversation: after each response it knows how full the
 * model's window is (input + cache reads + cache writes + output); past `compactRatio`, before the
 * next request, it compacts: one request to the model (the same or context.compact_model) summarises
 * the conversation, and later requests carry that summary plus the most recent turns instead of the
 * whole history. The history itself stays whole, in memory and in the store, with a compaction
 * record, so `conversation show` shows everything and a resumed conversation starts compacted.
 * A compaction is its own `kodelet.compact` span, with its `chat` request as a child.
 */
import { GEN_AI, KODELET, signals, withSpan } from "../telemetry/mod.ts";
import {
  estimateTextTokens,
  estimateTokens,
  fitForSummary,
  KEEP_RECENT_SHARE,
  recentCut,
  summaryMessage,
  summaryRequest,
} from "./context_cut.ts";
import { type LlmClient, LlmError, type LlmRequest, type Message, textOf, type Usage } from "../llm/mod.ts";

/** Why a conversation was compacted. */
export type CompactReason = "threshold" | "prompt_too_long" | "manual";

/** A compaction, as the store keeps it and a resumed conversation starts from. */
export interface CompactionState {
  summary: string;
  /** Index of the first message kept verbatim: messages before it are covered by the summary. */
  keptFrom: number;
}

/** What a compaction did, for renderers, the span and the store. */
export interface CompactionResult extends CompactionState {
  reason: CompactReason;
  model: string;
  /** Tokens in use before: the last response's count (an estimate when there was none). */
  tokensBefore: number;
  /** An estimate of the next request's size (system, tools, summary, kept turns). */
  tokensAfter: number;
  messagesSummarised: number;
  /** What the summary request itself cost. */
  usage: Usage;
  costUsd: number | undefined;
}

/** The parts of a request that stay the same across a conversation. */
export interface RequestFrame {
  client: LlmClient;
  model: string;
  system: string;
  tools: LlmRequest["tools"];
  maxTokens: number;
  conversationId: string;
}

/** How a conversation's context is managed. */
export interface ContextOptions {
  /** The model's window in tokens (context.window or the table's). */
  window: number;
  /** context.compact_ratio. */
  compactRatio: number;
  /** context.compact_model; unset: the conversation's model. */
  compactModel?: string | undefined;
  /** Where a resumed conversation was compacted last. */
  resumed?: CompactionState | undefined;
  /** Saves the compaction record (absent with --no-save). */
  persist?: (result: CompactionResult) => void;
}

/** Whether a provider refused a request for being longer than the model's window. */
export function isPromptTooLong(error: unknown): boolean {
  return error instanceof LlmError && error.kind === "bad_request" &&
    /prompt is too long|context.length|context window|maximum context|too many (input )?tokens|input is too long/i
      .test(error.message);
}

/** One conversation's context window. */
export class ContextWindow {
  /** The model's window; changes with the model (chat's /model). */
  window: number;
  readonly compactRatio: number;
  readonly compactModel: string | undefined;
  #state: CompactionState | undefined;
  /** Tokens the last response reported in use; undefined until one did. */
  #used: number | undefined;
  readonly #persist: ((result: CompactionResult) => void) | undefined;

  constructor(options: ContextOptions) {
    this.window = options.window;
    this.compactRatio = options.compactRatio;
    this.compactModel = options.compactModel;
    this.#state = options.resumed;
    this.#persist = options.persist;
  }

  /** The last compaction in force, if any. */
  get state(): CompactionState | undefined {
    return this.#state;
  }

  /** Tokens in use after the last response (or estimated after a compaction). */
  get used(): number | undefined {
    return this.#used;
  }

  /** Share of the window in use, 0 before the first response. */
  get usedRatio(): number {
    return (this.#used ?? 0) / this.window;
  }

  /** What a request carries instead of the whole history: the summary and the messages after it. */
  view(messages: readonly Message[]): Message[] {
    const state = this.#state;
    if (!state) return [...messages];
    // keptFrom can pass the end when the messages of a failed run were dropped after it was set.
    return [summaryMessage(state.summary), ...messages.slice(Math.min(state.keptFrom, messages.length))];
  }

  /** Takes note of a response's usage. */
  record(usage: Usage): void {
    this.#used = usage.input + usage.cacheRead + usage.cacheWrite + usage.output;
  }

  /** Whether the window is full enough that the next request should go out compacted. */
  shouldCompact(): boolean {
    return this.#used !== undefined && this.#used >= this.compactRatio * this.window;
  }

  /**
   * Compacts `messages` (the whole history) in a `kodelet.compact` span. Returns undefined when there
   * is nothing old enough to summarise. Throws LlmError when the summary request fails.
   */
  compact(
    frame: RequestFrame,
    messages: readonly Message[],
    reason: CompactReason,
    signal: AbortSignal,
    instructions?: string,
  ): Promise<CompactionResult | undefined> {
    const from = this.#state?.keptFrom ?? 0;
    const cut = recentCut(messages, from, Math.floor(this.window * KEEP_RECENT_SHARE));
    // Asked for (or refused for length), everything may go into the summary; on the threshold only
    // a part older than the recent turns is worth a request.
    const keptFrom = cut > from
      ? cut
      : reason !== "threshold" && messages.length > from
      ? messages.length
      : undefined;
    if (keptFrom === undefined) return Promise.resolve(undefined);
    const model = this.compactModel ?? frame.model;
    const tokensBefore = this.#used ?? estimateTokens(this.view(messages)) + estimateTextTokens(frame.system);
    return withSpan("kodelet.compact", async (span) => {
      // The whole current view, so that the request shares the cached prefix of the conversation's
      // own requests; shrunk when the provider refused it (or would) for its length.
      let history = this.view(messages);
      const budget = Math.floor(this.window * (reason === "prompt_too_long" ? 0.5 : 0.85)) -
        estimateTextTokens(frame.system) - frame.maxTokens;
      history = fitForSummary(history, Math.max(1024, budget));
      const response = await frame.client.stream(
        {
          model,
          system: frame.system,
          messages: [...history, summaryRequest(instructions)],
          tools: frame.tools,
          maxTokens: frame.maxTokens,
          temperature: undefined,
          thinkingBudgetTokens: 0,
          toolChoice: "none",
          // The conversation's own prefix, so the summary request reads it from the cache.
          cacheKey: frame.conversationId,
        },
        {},
        signal,
      );
      const summary = textOf(response.content).trim();
      if (summary === "") {
        throw new LlmError(
          "bad_request",
          "The model wrote an empty summary; the conversation was not compacted",
        );
      }
      const state: CompactionState = { summary, keptFrom };
      const tokensAfter = estimateTokens(
        [summaryMessage(summary), ...messages.slice(keptFrom)],
      ) + estimateTextTokens(frame.system + JSON.stringify(frame.tools));
      const result: CompactionResult = {
        ...state,
        reason,
        model,
        tokensBefore,
        tokensAfter,
        messagesSummarised: keptFrom - from,
        usage: response.usage,
        costUsd: response.costUsd,
      };
      span.setAttributes({
        [GEN_AI.CONVERSATION_ID]: frame.conversationId,
        [KODELET.COMPACT_REASON]: reason,
        [KODELET.COMPACT_MODEL]: model,
        [KODELET.COMPACT_TOKENS_BEFORE]: tokensBefore,
        [KODELET.COMPACT_TOKENS_AFTER]: tokensAfter,
        [KODELET.COMPACT_MESSAGES_SUMMARISED]: result.messagesSummarised,
        [KODELET.CONTEXT_WINDOW]: this.window,
      });
      // The kodelet.compaction event, emitted in this span's context.
      signals.compaction({
        reason,
        model,
        tokensBefore,
        tokensAfter,
        messagesSummarised: result.messagesSummarised,
        costUsd: result.costUsd,
      });
      this.#state = state;
      this.#used = tokensAfter;
      this.#persist?.(result);
      return result;
    }, { attributes: { [KODELET.COMPACT_REASON]: reason } });
  }
}
