/**
 * The provider-neutral conversation model and the one small streaming interface every provider
 * implements. Tracing and retries wrap this interface; they are not inside the providers.
 */

/** A piece of a message. */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  /** Reasoning the provider encrypted; it must go back unchanged with the next request. */
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; toolUseId: string; content: string; isError: boolean };

/** What the model is told about a tool: its name, what it is for, and the JSON Schema of its arguments. */
export interface ToolSchema {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** The key a provider puts tool arguments under when they were not valid JSON (the registry reports it). */
export const UNPARSED_ARGUMENTS = "_unparsed_arguments";

/** One message of the conversation. */
export interface Message {
  role: "user" | "assistant";
  content: ContentBlock[];
}

/** The text blocks of a message's content, joined: what the model said, without thinking or tool calls. */
export function textOf(content: readonly ContentBlock[]): string {
  return content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
}

/** Token counts of one request; `input` excludes cache reads and writes. */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** What the agent asks of a provider. */
export interface LlmRequest {
  model: string;
  system: string;
  messages: Message[];
  tools: ToolSchema[];
  maxTokens: number;
  temperature: number | undefined;
  thinkingBudgetTokens: number;
  /** "none": the model may not call tools this time (a compaction summary), though they are defined. */
  toolChoice?: "none";
  /** Groups a conversation's requests for the provider's prompt cache (OpenAI's prompt_cache_key). */
  cacheKey?: string;
}

/** Why a response ended, in the providers' own words mapped to the conventions' values. */
export type FinishReason = "stop" | "tool_call" | "length" | "content_filter" | "error";

/** A complete response. */
export interface LlmResponse {
  id: string;
  model: string;
  content: ContentBlock[];
  finishReason: FinishReason;
  usage: Usage;
  /** Milliseconds from sending the request to the first streamed chunk. */
  timeToFirstChunkMs: number | undefined;
  /**
   * What the response cost in USD (undefined: a model without a price). Priced once, by the chat
   * span around every client createClient builds; a bare provider leaves it unset.
   */
  costUsd?: number | undefined;
}

/** Callbacks while a response streams. */
export interface StreamHandlers {
  /** Assistant text as it arrives. */
  onText?: (text: string) => void;
  /**
   * The model's reasoning as it arrives (Anthropic's thinking blocks; the reasoning text some
   * OpenAI-compatible servers stream). Content: shown to the user, never put on a span or a log.
   */
  onThinking?: (text: string) => void;
  /** A failed attempt is about to be retried, after a wait (the status line "retrying in 2s ..."). */
  onRetry?: (retry: RetryNotice) => void;
  /** Called once when the first chunk arrives. */
  onFirstChunk?: () => void;
  /** Called on every chunk the stream delivers (text, thinking, tool input, pings): the stream is alive. */
  onActivity?: () => void;
}

/** A request about to be retried: which attempt comes next, when, and why the last one failed. */
export interface RetryNotice {
  /** The attempt about to be made: 2 is the first retry. */
  attempt: number;
  /** Attempts in all (1 + llm.max_retries). */
  attempts: number;
  delayMs: number;
  /** Why, in a few words: "529 overloaded", "429 rate limited", "connection refused". */
  reason: string;
}

/** What a provider's client is built from. */
export interface ProviderOptions {
  apiKey: string;
  /** Unset: the provider's own API. */
  baseUrl: string | undefined;
  /** Replaceable in tests. */
  fetch?: typeof fetch;
  /** The proxy variable in force for the base URL (HTTPS_PROXY ...), named when it cannot be reached. */
  proxyVariable?: string | undefined;
}

/** A provider's client: one streaming request. */
export interface LlmClient {
  provider: "anthropic" | "openai";
  /** For server.address / server.port on the chat span. */
  server: { address: string; port: number };
  stream(request: LlmRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<LlmResponse>;
}

/** Everything that can go wrong talking to an LLM, classified once so that retries and messages agree. */
export type LlmErrorKind =
  | "auth"
  | "bad_request"
  | "not_found"
  | "rate_limited"
  | "overloaded"
  | "server"
  | "connection"
  | "stream_broken"
  /** No answer, or a stream that stalled (llm.request_timeout / llm.stream_idle_timeout). */
  | "timeout"
  | "cancelled";

/** A classified provider failure. */
export class LlmError extends Error {
  override readonly name = "LlmError";
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status: number | undefined = undefined,
    /** Milliseconds the server asked us to wait (retry-after). */
    readonly retryAfterMs: number | undefined = undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** Whether waiting and trying again may help. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "overloaded" || this.kind === "server" ||
      this.kind === "connection" || this.kind === "timeout";
  }
}

/** An empty usage record. */
export function zeroUsage(): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
}

/** Sums two costs; unknown only when both are (a model without a price costs "unknown", not $0). */
export function addCost(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : a + b;
}

/** Sums two usage records. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    reasoning: a.reasoning + b.reasoning,
  };
}
