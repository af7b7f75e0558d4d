/**
 * OpenAI Chat Completions through the official SDK, streaming; the base URL may point at any
 * compatible server (Ollama, vLLM, llama.cpp). The SDK's own retries are off: kodelet retries
 * around this client, once, for every provider.
 */
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { classifyError } from "./errors.ts";
import { loadSdk } from "./load_sdk.ts";
import { serverOf } from "./server_address.ts";
import {
  type ContentBlock,
  type FinishReason,
  type LlmClient,
  LlmError,
  type LlmRequest,
  type LlmResponse,
  type Message,
  type ProviderOptions,
  type StreamHandlers,
  textOf,
  UNPARSED_ARGUMENTS,
} from "./types.ts";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

function toParams(message: Message): ChatCompletionMessageParam[] {
  if (message.role === "user") {
    const params: ChatCompletionMessageParam[] = [];
    const text: string[] = [];
    for (const block of message.content) {
      if (block.type === "tool_result") {
        params.push({ role: "tool", tool_call_id: block.toolUseId, content: block.content });
      } else if (block.type === "text") text.push(block.text);
    }
    if (text.length > 0) params.push({ role: "user", content: text.join("\n") });
    return params;
  }
  const text = textOf(message.content);
  const calls = message.content.flatMap((block) =>
    block.type === "tool_use"
      ? [{
        id: block.id,
        type: "function" as const,
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      }]
      : []
  );
  return [{
    role: "assistant",
    content: text === "" ? null : text,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  }];
}

function finishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "tool_calls":
    case "function_call":
      return "tool_call";
    case "length":
      return "length";
    case "content_filter":
      return "content_filter";
    default:
      return "stop";
  }
}

/** Builds the request body; exported so a test can check it. */
export function openAiParams(request: LlmRequest, official: boolean): ChatCompletionCreateParamsStreaming {
  return {
    model: request.model,
    messages: [{ role: "system", content: request.system }, ...request.messages.flatMap(toParams)],
    stream: true,
    stream_options: { include_usage: true },
    // api.openai.com wants max_completion_tokens; many compatible servers only know max_tokens.
    ...(official ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.tools.length > 0
      ? {
        tools: request.tools.map((tool) => ({
          type: "function" as const,
          function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
        })),
      }
      : {}),
    ...(request.tools.length > 0 && request.toolChoice === "none" ? { tool_choice: "none" as const } : {}),
    // OpenAI caches prompt prefixes on its own; the key routes a conversation's requests to the same
    // cache. Only api.openai.com knows it; compatible servers may refuse unknown parameters.
    ...(official && request.cacheKey !== undefined ? { prompt_cache_key: request.cacheKey } : {}),
  };
}

/** The reasoning text of a streamed delta, under either name compatible servers use. */
function reasoningOf(delta: unknown): string | undefined {
  if (delta === null || typeof delta !== "object") return undefined;
  const fields = delta as { reasoning_content?: unknown; reasoning?: unknown };
  const text = fields.reasoning_content ?? fields.reasoning;
  return typeof text === "string" && text !== "" ? text : undefined;
}

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : {};
  } catch {
    // The registry's validation tells the model its arguments were not valid.
    return { [UNPARSED_ARGUMENTS]: text };
  }
}

/** The OpenAI (or compatible) provider. */
export function openAiClient(options: ProviderOptions): LlmClient {
  const baseURL = options.baseUrl ?? DEFAULT_BASE_URL;
  // Loaded only by the provider in use (the SDK costs ~165 ms), starting now to overlap start-up.
  const client = loadSdk(() => import("openai")).then(({ default: OpenAI }) =>
    new OpenAI({
      apiKey: options.apiKey,
      baseURL,
      maxRetries: 0,
      // The SDK would print a malformed event's raw lines to stderr; the failure is reported once, by us.
      logLevel: "off",
      ...(options.fetch ? { fetch: options.fetch } : {}),
    })
  );
  const official = options.baseUrl === undefined || new URL(baseURL).hostname === "api.openai.com";
  return {
    provider: "openai",
    server: serverOf(baseURL),
    async stream(request: LlmRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<LlmResponse> {
      const started = performance.now();
      let firstChunkMs: number | undefined;
      let id = "";
      let model = request.model;
      let text = "";
      let reason: string | null | undefined;
      let usage: ChatCompletionChunk["usage"] | undefined;
      const calls = new Map<number, PartialCall>();
      try {
        const stream = await (await client).chat.completions.create(openAiParams(request, official), {
          signal,
        });
        for await (const chunk of stream) {
          handlers.onActivity?.();
          if (firstChunkMs === undefined) {
            firstChunkMs = performance.now() - started;
            handlers.onFirstChunk?.();
          }
          id ||= chunk.id;
          model = chunk.model || model;
          if (chunk.usage) usage = chunk.usage;
          for (const choice of chunk.choices) {
            const delta = choice.delta;
            // The official API streams no reasoning text; compatible servers do, under one of two
            // names (DeepSeek, vLLM and llama.cpp: reasoning_content; Ollama and OpenRouter:
            // reasoning). Shown only: those servers want it left out of the next request.
            const reasoning = reasoningOf(delta);
            if (reasoning) handlers.onThinking?.(reasoning);
            if (delta?.content) {
              text += delta.content;
              handlers.onText?.(delta.content);
            }
            for (const call of delta?.tool_calls ?? []) {
              const partial = calls.get(call.index) ?? { id: "", name: "", arguments: "" };
              if (call.id) partial.id = call.id;
              if (call.function?.name) partial.name += call.function.name;
              if (call.function?.arguments) partial.arguments += call.function.arguments;
              calls.set(call.index, partial);
            }
            if (choice.finish_reason) reason = choice.finish_reason;
          }
        }
        // The SDK ends the iteration quietly when the request is aborted: a partial answer is no answer.
        signal.throwIfAborted();
        // A stream that ends without a finish reason was cut short (a proxy or server gave up):
        // returning its partial answer as complete would save half a turn as done.
        if (reason === undefined || reason === null) {
          throw new LlmError(
            "stream_broken",
            "The OpenAI response stream ended before the answer was complete",
          );
        }
      } catch (error) {
        throw classifyError(error, "openai", signal, {
          baseUrl: baseURL,
          proxyVariable: options.proxyVariable,
        });
      }
      const content: ContentBlock[] = [];
      if (text !== "") content.push({ type: "text", text });
      for (const [index, call] of [...calls.entries()].sort(([a], [b]) => a - b)) {
        content.push({
          type: "tool_use",
          id: call.id || `call_${index}`,
          name: call.name,
          input: parseArguments(call.arguments),
        });
      }
      const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
      return {
        id,
        model,
        content,
        finishReason: finishReason(reason),
        usage: {
          // OpenAI counts cached tokens inside prompt_tokens; kodelet's `input` is the uncached part.
          input: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
          output: usage?.completion_tokens ?? 0,
          cacheRead: cached,
          cacheWrite: 0,
          reasoning: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
        },
        timeToFirstChunkMs: firstChunkMs,
      };
    },
  };
}
