/**
 * A real local LLM API server for tests: it speaks the Anthropic Messages streaming wire format
 * (POST /v1/messages) and the OpenAI Chat Completions streaming wire format
 * (POST /v1/chat/completions) over real sockets, answering each request with the next reply of a
 * script the test enqueues, including faults (HTTP errors, in-stream errors, a connection cut).
 *
 * Only streaming requests are served: kodelet always streams, so a non-streaming request is a bug in
 * the caller and gets a 400 that says so.
 *
 * Token counts go onto the wire verbatim, in each provider's own meaning: Anthropic's `input_tokens`
 * excludes cache reads and writes, OpenAI's `prompt_tokens` includes `cached_tokens`. A script that
 * targets OpenAI should therefore keep `cacheRead <= input`.
 */

import { PromptCache } from "./prompt_cache.ts";

/** One tool call the scripted model makes. */
export interface ScriptedToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** Token counts a scripted reply reports (see the module comment for each provider's meaning). */
export interface ScriptedUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheCreation?: number;
  reasoning?: number;
}

/** One scripted answer; the server hands them out in order, one per request. */
export type ScriptedReply =
  | {
    kind: "message";
    id?: string;
    model?: string;
    text?: string;
    /**
     * A thinking block before the text (Anthropic), or the reasoning_content deltas an
     * OpenAI-compatible server (DeepSeek, vLLM) streams before the content (OpenAI's own API sends none).
     */
    thinking?: string;
    /** Anthropic only: the thinking block's signature; a deterministic one is made up when absent. */
    signature?: string;
    toolCalls?: ScriptedToolCall[];
    usage?: ScriptedUsage;
    stopReason?: "end_turn" | "tool_use" | "max_tokens";
    /** Wait this long before the first byte (the status line), e.g. to exercise timeouts. */
    delayMs?: number;
    /** Wait this long between stream events, e.g. to interrupt a stream half way. */
    chunkDelayMs?: number;
  }
  | {
    kind: "error";
    status: 400 | 401 | 403 | 404 | 429 | 500 | 529 | 503;
    /** Sent as `retry-after` on 429/529/503 (both SDKs honour it when they retry). */
    retryAfterSeconds?: number;
    /** Sent as `retry-after-ms` on 429/529/503; the SDKs prefer it to `retry-after`, so retries stay fast. */
    retryAfterMs?: number;
    /** Sent as `x-should-retry`, which overrides both SDKs' own retry decision. */
    shouldRetry?: boolean;
    message?: string;
  }
  | {
    /** Starts a 200 stream, sends the opening event(s) and part of `text`, then drops the connection. */
    kind: "cut";
    text?: string;
  }
  | {
    /**
     * Starts a 200 stream and then stalls: without `text`, nothing but the headers is ever sent;
     * with it, the opening event(s) and the first half of `text`. The connection stays open, silent,
     * until the client gives up or the server closes.
     */
    kind: "stall";
    text?: string;
  }
  | {
    /**
     * Starts a 200 stream, sends the opening event(s) and `text`, then an in-stream error: Anthropic's
     * `event: error` (default type overloaded_error) or an OpenAI `data: {"error": …}` payload.
     */
    kind: "streamError";
    text?: string;
    errorType?: string;
    message?: string;
  };

/** A request the server received, recorded before it was answered. */
export interface RecordedLlmRequest {
  provider: "anthropic" | "openai";
  path: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/** How the server behaves beyond its script. */
export interface LlmServerOptions {
  /**
   * Model Anthropic's prompt caching (tests/support/prompt_cache.ts): replies report input, cache
   * read and cache write tokens from the request's cache breakpoints instead of the scripted ones.
   */
  promptCache?: boolean;
}

/** A running scripted LLM server; close it at the end of the test. */
export interface LlmServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The SDK's `baseURL` / ANTHROPIC_BASE_URL (the SDK appends /v1/messages). */
  anthropicBaseUrl: string;
  /** The SDK's `baseURL` / OPENAI_BASE_URL (ends in /v1; the SDK appends /chat/completions). */
  openaiBaseUrl: string;
  /** Appends replies to the script; requests of either provider consume them in order. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Every request to a provider endpoint, in arrival order. */
  requests: RecordedLlmRequest[];
  /** How many enqueued replies no request has consumed yet. */
  pending(): number;
  /** Ends streams in progress, cancels pending delays and stops listening. */
  close(): Promise<void>;
}

type Provider = RecordedLlmRequest["provider"];
type MessageReply = Extract<ScriptedReply, { kind: "message" }>;
type ErrorReply = Extract<ScriptedReply, { kind: "error" }>;
type Json = Record<string, unknown>;

/** How a stream ends: cleanly, by dropping the connection, or by going silent. */
type StreamEnd = "close" | "cut" | "stall";

const ANTHROPIC_PATH = "/v1/messages";
const OPENAI_PATH = "/v1/chat/completions";
const DEFAULT_USAGE: ScriptedUsage = { input: 10, output: 5 };
// Give the transport time to put the partial stream on the wire before the connection is dropped,
// so the client really sees a stream that started and then broke.
const CUT_FLUSH_MS = 30;
// Upper bound on the size of one text/thinking/JSON delta; long strings become many deltas, as
// they do from a real model, and short ones still become at least three.
const MAX_PIECE = 16;

const ANTHROPIC_ERROR_TYPES: Record<ErrorReply["status"], string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
  503: "api_error",
  529: "overloaded_error",
};

const OPENAI_ERROR_TYPES: Record<ErrorReply["status"], { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: null },
  529: { type: "server_error", code: null },
};

/** Starts a scripted LLM server on 127.0.0.1 on a free port, printing nothing. */
export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const cache = options.promptCache ? new PromptCache() : undefined;
  const script: ScriptedReply[] = [];
  const requests: RecordedLlmRequest[] = [];
  // Aborted by close(): delays and streams in progress stop, so shutdown never waits on a timer.
  const closing = new AbortController();
  let served = 0;

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const provider: Provider | undefined = url.pathname === ANTHROPIC_PATH
      ? "anthropic"
      : url.pathname === OPENAI_PATH
      ? "openai"
      : undefined;
    served += 1;
    // Captured now: other requests bump `served` while this one awaits its body or its delay.
    const seq = served;
    const requestId = `req_llmserver_${String(seq).padStart(4, "0")}`;
    if (provider === undefined || request.method !== "POST") {
      return new Response(`llm_server: no route for ${request.method} ${url.pathname}`, { status: 404 });
    }

    const raw = await request.text();
    const body = parseObject(raw);
    requests.push({ provider, path: url.pathname, headers: new Headers(request.headers), body: body ?? {} });

    if (body === undefined) {
      return errorResponse(provider, requestId, 400, "llm_server: request body is not a JSON object", {});
    }
    if (body["stream"] !== true) {
      // Not scripted on purpose: a non-streaming call is a caller bug and must not eat a reply.
      return errorResponse(
        provider,
        requestId,
        400,
        "llm_server: only streaming requests are served (kodelet always sets stream: true)",
        { shouldRetry: false },
      );
    }

    const reply = script.shift();
    if (reply === undefined) {
      // x-should-retry: false stops the SDKs from retrying, so the test fails at once and loudly.
      return errorResponse(
        provider,
        requestId,
        500,
        `llm_server: the script ran out of replies (request #${requests.length} to ${url.pathname})`,
        { shouldRetry: false },
      );
    }

    // Not request.signal: Deno.serve aborts it after every successful response and warns about that.
    const signal = closing.signal;
    switch (reply.kind) {
      case "error":
        return errorResponse(provider, requestId, reply.status, reply.message, reply);
      case "message": {
        if (reply.delayMs !== undefined && reply.delayMs > 0) await sleep(reply.delayMs, signal);
        // With the cache model on, Anthropic input counts come from the request's breakpoints.
        const cached = cache && provider === "anthropic"
          ? { ...reply, usage: { ...(reply.usage ?? DEFAULT_USAGE), ...cache.usageFor(body) } }
          : reply;
        const frames = provider === "anthropic"
          ? anthropicMessageFrames(cached, body, seq)
          : openaiMessageFrames(reply, body, seq);
        return streamResponse(provider, requestId, frames, "close", reply.chunkDelayMs ?? 0, signal);
      }
      case "cut": {
        const frames = provider === "anthropic"
          ? anthropicCutFrames(reply.text ?? "", body, seq)
          : openaiCutFrames(reply.text ?? "", body, seq);
        return streamResponse(provider, requestId, frames, "cut", 0, signal);
      }
      case "stall": {
        const frames = reply.text === undefined
          ? []
          : provider === "anthropic"
          ? anthropicCutFrames(reply.text, body, seq)
          : openaiCutFrames(reply.text, body, seq);
        return streamResponse(provider, requestId, frames, "stall", 0, signal);
      }
      case "streamError": {
        const frames = provider === "anthropic"
          ? anthropicStreamErrorFrames(reply, body, seq, requestId)
          : openaiStreamErrorFrames(reply, body, seq);
        return streamResponse(provider, requestId, frames, "close", 0, signal);
      }
    }
  };

  const { promise: listening, resolve: onListening } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: (addr) => onListening(addr),
    onError: (error) => {
      // A bug in this server must show up in the test, not vanish into a log line.
      const message = error instanceof Error ? error.message : String(error);
      return new Response(`llm_server internal error: ${message}`, { status: 500 });
    },
  }, handler);
  const addr = await listening;
  const url = `http://127.0.0.1:${addr.port}`;

  return {
    url,
    anthropicBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    enqueue: (...replies) => {
      script.push(...replies);
    },
    requests,
    pending: () => script.length,
    close: async () => {
      closing.abort();
      await server.shutdown();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Anthropic Messages streaming: https://docs.anthropic.com/en/api/messages-streaming

function sse(event: string, data: Json): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function anthropicMessageStart(id: string, model: string, usage: ScriptedUsage): string {
  return sse("message_start", {
    type: "message_start",
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.input,
        // The API reports a running count here and the total in message_delta; 1 like the real API
        // does keeps consumers honest about taking the final count from message_delta.
        output_tokens: Math.min(1, usage.output),
        cache_creation_input_tokens: usage.cacheCreation ?? 0,
        cache_read_input_tokens: usage.cacheRead ?? 0,
      },
    },
  });
}

function anthropicTextBlock(index: number, text: string): string[] {
  return [
    sse("content_block_start", {
      type: "content_block_start",
      index,
      content_block: { type: "text", text: "" },
    }),
    ...splitPieces(text).map((piece) =>
      sse("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "text_delta", text: piece },
      })
    ),
    sse("content_block_stop", { type: "content_block_stop", index }),
  ];
}

function anthropicMessageFrames(reply: MessageReply, request: Json, served: number): string[] {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const toolCalls = reply.toolCalls ?? [];
  const frames = [
    anthropicMessageStart(
      reply.id ?? `msg_llmserver_${served}`,
      reply.model ?? requestedModel(request),
      usage,
    ),
    sse("ping", { type: "ping" }),
  ];
  let index = 0;
  if (reply.thinking !== undefined) {
    const signature = reply.signature ?? makeSignature(reply.thinking);
    frames.push(
      sse("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      }),
      ...splitPieces(reply.thinking).map((piece) =>
        sse("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "thinking_delta", thinking: piece },
        })
      ),
      sse("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "signature_delta", signature },
      }),
      sse("content_block_stop", { type: "content_block_stop", index }),
    );
    index += 1;
  }
  if (reply.text !== undefined) {
    frames.push(...anthropicTextBlock(index, reply.text));
    index += 1;
  }
  for (const call of toolCalls) {
    frames.push(
      sse("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
      }),
      // The API opens every tool input with an empty fragment; the rest only parse once joined.
      ...["", ...splitPieces(JSON.stringify(call.input))].map((piece) =>
        sse("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        })
      ),
      sse("content_block_stop", { type: "content_block_stop", index }),
    );
    index += 1;
  }
  const stopReason = reply.stopReason ?? (toolCalls.length > 0 ? "tool_use" : "end_turn");
  const deltaUsage: Json = {
    input_tokens: usage.input,
    output_tokens: usage.output,
    cache_creation_input_tokens: usage.cacheCreation ?? 0,
    cache_read_input_tokens: usage.cacheRead ?? 0,
  };
  if (usage.reasoning !== undefined) {
    deltaUsage["output_tokens_details"] = { thinking_tokens: usage.reasoning };
  }
  frames.push(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: deltaUsage,
    }),
    sse("message_stop", { type: "message_stop" }),
  );
  return frames;
}

function anthropicCutFrames(text: string, request: Json, served: number): string[] {
  const frames = [
    anthropicMessageStart(`msg_llmserver_${served}`, requestedModel(request), DEFAULT_USAGE),
    sse("ping", { type: "ping" }),
  ];
  const partial = firstHalf(text);
  if (partial !== "") {
    // The block is opened and never stopped: the connection drops in the middle of it.
    frames.push(...anthropicTextBlock(0, partial).slice(0, -1));
  }
  return frames;
}

function anthropicStreamErrorFrames(
  reply: Extract<ScriptedReply, { kind: "streamError" }>,
  request: Json,
  served: number,
  requestId: string,
): string[] {
  const frames = [
    anthropicMessageStart(`msg_llmserver_${served}`, requestedModel(request), DEFAULT_USAGE),
    sse("ping", { type: "ping" }),
  ];
  if (reply.text !== undefined) frames.push(...anthropicTextBlock(0, reply.text).slice(0, -1));
  frames.push(sse("error", {
    type: "error",
    error: { type: reply.errorType ?? "overloaded_error", message: reply.message ?? "Overloaded" },
    request_id: requestId,
  }));
  return frames;
}

// ---------------------------------------------------------------------------------------------
// OpenAI Chat Completions streaming: https://platform.openai.com/docs/api-reference/chat-streaming

interface ChunkContext {
  id: string;
  model: string;
  created: number;
  includeUsage: boolean;
}

function openaiContext(request: Json, served: number, id?: string, model?: string): ChunkContext {
  const options = request["stream_options"];
  const includeUsage = isObject(options) && options["include_usage"] === true;
  return {
    id: id ?? `chatcmpl-llmserver${served}`,
    model: model ?? requestedModel(request),
    created: Math.floor(Date.now() / 1000),
    includeUsage,
  };
}

function chunk(ctx: ChunkContext, delta: Json, finishReason: string | null = null): string {
  const data: Json = {
    id: ctx.id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    system_fingerprint: "fp_llmserver",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  // With include_usage every chunk carries `usage: null` except the final usage-only chunk.
  if (ctx.includeUsage) data["usage"] = null;
  return `data: ${JSON.stringify(data)}\n\n`;
}

function openaiMessageFrames(reply: MessageReply, request: Json, served: number): string[] {
  const ctx = openaiContext(request, served, reply.id, reply.model);
  const usage = reply.usage ?? DEFAULT_USAGE;
  const toolCalls = reply.toolCalls ?? [];
  const frames = [chunk(ctx, { role: "assistant", content: "", refusal: null })];
  if (reply.thinking !== undefined) {
    for (const piece of splitPieces(reply.thinking)) frames.push(chunk(ctx, { reasoning_content: piece }));
  }
  if (reply.text !== undefined) {
    for (const piece of splitPieces(reply.text)) frames.push(chunk(ctx, { content: piece }));
  }
  toolCalls.forEach((call, index) => {
    // The first delta of a call names it; the arguments follow in fragments that parse only joined.
    frames.push(chunk(ctx, {
      tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
    }));
    for (const piece of splitPieces(JSON.stringify(call.input))) {
      frames.push(chunk(ctx, { tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  const stopReason = reply.stopReason ?? (toolCalls.length > 0 ? "tool_use" : "end_turn");
  const finishReason = stopReason === "tool_use"
    ? "tool_calls"
    : stopReason === "max_tokens"
    ? "length"
    : "stop";
  frames.push(chunk(ctx, {}, finishReason));
  if (ctx.includeUsage) {
    frames.push(`data: ${
      JSON.stringify({
        id: ctx.id,
        object: "chat.completion.chunk",
        created: ctx.created,
        model: ctx.model,
        system_fingerprint: "fp_llmserver",
        choices: [],
        usage: {
          prompt_tokens: usage.input,
          completion_tokens: usage.output,
          total_tokens: usage.input + usage.output,
          prompt_tokens_details: { cached_tokens: usage.cacheRead ?? 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: usage.reasoning ?? 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
      })
    }\n\n`);
  }
  frames.push("data: [DONE]\n\n");
  return frames;
}

function openaiCutFrames(text: string, request: Json, served: number): string[] {
  const ctx = openaiContext(request, served);
  const frames = [chunk(ctx, { role: "assistant", content: "", refusal: null })];
  for (const piece of splitPieces(firstHalf(text))) frames.push(chunk(ctx, { content: piece }));
  return frames;
}

function openaiStreamErrorFrames(
  reply: Extract<ScriptedReply, { kind: "streamError" }>,
  request: Json,
  served: number,
): string[] {
  const ctx = openaiContext(request, served);
  const frames = [chunk(ctx, { role: "assistant", content: "", refusal: null })];
  for (const piece of splitPieces(reply.text ?? "")) frames.push(chunk(ctx, { content: piece }));
  const error = {
    message: reply.message ?? "The server is overloaded",
    type: reply.errorType ?? "server_error",
    code: null,
  };
  frames.push(`data: ${JSON.stringify({ error })}\n\n`);
  return frames;
}

// ---------------------------------------------------------------------------------------------
// Responses

function errorResponse(
  provider: Provider,
  requestId: string,
  status: ErrorReply["status"],
  message: string | undefined,
  options: { retryAfterSeconds?: number; retryAfterMs?: number; shouldRetry?: boolean },
): Response {
  const headers = new Headers({ "content-type": "application/json" });
  headers.set(provider === "anthropic" ? "request-id" : "x-request-id", requestId);
  if (status === 429 || status === 529 || status === 503) {
    if (options.retryAfterSeconds !== undefined) {
      headers.set("retry-after", String(options.retryAfterSeconds));
    }
    if (options.retryAfterMs !== undefined) headers.set("retry-after-ms", String(options.retryAfterMs));
  }
  if (options.shouldRetry !== undefined) headers.set("x-should-retry", String(options.shouldRetry));
  const text = message ?? `llm_server: scripted ${status}`;
  const body = provider === "anthropic"
    ? { type: "error", error: { type: ANTHROPIC_ERROR_TYPES[status], message: text }, request_id: requestId }
    : { error: { message: text, ...OPENAI_ERROR_TYPES[status], param: null } };
  return new Response(JSON.stringify(body), { status, headers });
}

function streamResponse(
  provider: Provider,
  requestId: string,
  frames: string[],
  end: StreamEnd,
  gapMs: number,
  signal: AbortSignal,
): Response {
  const encoder = new TextEncoder();
  // Stops the frames when the client goes away (cancel) or the server closes.
  const stop = new AbortController();
  const stopped = AbortSignal.any([signal, stop.signal]);
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    // One frame per pull, so frames leave as separate writes and a slow reader applies backpressure.
    async pull(controller) {
      if (next > 0 && gapMs > 0) await sleep(gapMs, stopped);
      if (stop.signal.aborted) return;
      if (signal.aborted) {
        controller.close();
        return;
      }
      const frame = frames[next];
      next += 1;
      if (frame !== undefined) {
        controller.enqueue(encoder.encode(frame));
        return;
      }
      if (end === "close") {
        controller.close();
        return;
      }
      if (end === "stall") {
        // Silent until the client cancels or the server closes.
        await new Promise<void>((resolve) => {
          if (stopped.aborted) return resolve();
          stopped.addEventListener("abort", () => resolve(), { once: true });
        });
        if (!stop.signal.aborted) controller.close();
        return;
      }
      await sleep(CUT_FLUSH_MS, stopped);
      if (stop.signal.aborted) return;
      // Erroring the body makes the server abort the chunked response without its terminating chunk
      // and close the socket: to the client it is a connection lost in the middle of the stream.
      controller.error(new Error("llm_server: scripted cut"));
    },
    cancel() {
      stop.abort();
    },
  });
  const headers = new Headers({
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
  });
  headers.set(provider === "anthropic" ? "request-id" : "x-request-id", requestId);
  return new Response(body, { status: 200, headers });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requestedModel(request: Json): string {
  const model = request["model"];
  return typeof model === "string" ? model : "llm-server-model";
}

/** Splits by code points (never inside a surrogate pair) into at least three pieces when possible. */
function splitPieces(text: string): string[] {
  const points = Array.from(text);
  if (points.length === 0) return [];
  const size = Math.min(MAX_PIECE, Math.max(1, Math.ceil(points.length / 3)));
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(""));
  return pieces;
}

function firstHalf(text: string): string {
  const points = Array.from(text);
  return points.slice(0, Math.ceil(points.length / 2)).join("");
}

/** A stable stand-in for the opaque signature the API attaches to thinking blocks. */
function makeSignature(thinking: string): string {
  let hash = 2166136261;
  for (const point of thinking) hash = Math.imul(hash ^ (point.codePointAt(0) ?? 0), 16777619) >>> 0;
  return btoa(`llm_server-signature:${hash.toString(16)}:${thinking.length}`);
}

/** Resolves after `ms`, or at once when `signal` aborts (a closing server must not wait on timers). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
