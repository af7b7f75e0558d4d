/**
 * Anthropic Messages API through the official SDK, streaming. Prompt caching: the tool list, the
 * system prompt and the last two user messages carry cache_control, so every turn reads the ones
 * before it from the cache.
 * The SDK's own retries and OpenTelemetry are switched off: kodelet retries and traces around this
 * client, once, for every provider.
 */
import type {
  MessageCreateParamsBase,
  MessageParam,
  Tool as AnthropicTool,
} from "@anthropic-ai/sdk/resources/messages";
import { classifyError } from "./errors.ts";
import { loadSdk } from "./load_sdk.ts";
import { serverOf } from "./server_address.ts";
import { thinkingParam } from "./thinking_models.ts";
import type {
  ContentBlock,
  FinishReason,
  LlmClient,
  LlmRequest,
  LlmResponse,
  Message,
  ProviderOptions,
  StreamHandlers,
} from "./types.ts";

const DEFAULT_BASE_URL = "https://api.anthropic.com";

function toParam(message: Message): MessageParam {
  const content = message.content.map((block) => {
    switch (block.type) {
      case "text":
        return { type: "text" as const, text: block.text };
      case "thinking":
        return { type: "thinking" as const, thinking: block.thinking, signature: block.signature };
      case "redacted_thinking":
        return { type: "redacted_thinking" as const, data: block.data };
      case "tool_use":
        return { type: "tool_use" as const, id: block.id, name: block.name, input: block.input };
      case "tool_result":
        return {
          type: "tool_result" as const,
          tool_use_id: block.toolUseId,
          content: block.content,
          is_error: block.isError,
        };
    }
  });
  return { role: message.role, content };
}

/**
 * Joins consecutive messages of one role: a run stopped at max_turns ends with tool results (a user
 * message), and the next question is another user message; the API wants roles to alternate.
 */
export function mergeSameRole(messages: readonly Message[]): Message[] {
  const merged: Message[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    if (previous && previous.role === message.role) {
      merged[merged.length - 1] = { role: message.role, content: [...previous.content, ...message.content] };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

function finishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case "tool_use":
      return "tool_call";
    case "max_tokens":
      return "length";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

/**
 * Cache breakpoints on the last user message and on the user message before it (with the tools and
 * the system prompt, the four the API allows): each request writes the conversation so far to the
 * cache, and the next one, which repeats it and adds a turn, reads it back from its second breakpoint.
 */
function withMessageBreakpoints(messages: MessageParam[]): MessageParam[] {
  const users = messages.flatMap((message, index) => (message.role === "user" ? [index] : [])).slice(-2);
  return messages.map((message, index): MessageParam => {
    if (message.role !== "user" || !users.includes(index) || typeof message.content === "string") {
      return message;
    }
    const content = [...message.content];
    const last = content.at(-1);
    // Thinking blocks cannot carry a breakpoint; user messages hold text and tool results.
    if (last && (last.type === "text" || last.type === "tool_result")) {
      content[content.length - 1] = { ...last, cache_control: { type: "ephemeral" } };
    }
    return { ...message, content };
  });
}

/** Builds the request body; exported so a test can check caching and thinking settings. */
export function anthropicParams(request: LlmRequest): MessageCreateParamsBase {
  const tools: AnthropicTool[] = request.tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as AnthropicTool["input_schema"],
    // One breakpoint on the last tool caches the whole tool list.
    ...(index === request.tools.length - 1 ? { cache_control: { type: "ephemeral" as const } } : {}),
  }));
  const thinking = thinkingParam(request.model, request.thinkingBudgetTokens, request.maxTokens);
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
    messages: withMessageBreakpoints(mergeSameRole(request.messages).map(toParam)),
    ...(tools.length > 0 ? { tools } : {}),
    ...(tools.length > 0 && request.toolChoice === "none" ? { tool_choice: { type: "none" as const } } : {}),
    // No temperature: the Messages API version this SDK speaks (2026-10-21) has no such parameter,
    // so `temperature` applies to OpenAI-compatible servers only.
    // Each model is asked the way it thinks (thinking_models.ts); an unknown one is not asked.
    ...(thinking ? { thinking } : {}),
  };
}

/** The Anthropic provider. */
export function anthropicClient(options: ProviderOptions): LlmClient {
  const baseURL = options.baseUrl ?? DEFAULT_BASE_URL;
  // The SDK is loaded only by the provider in use (it costs ~120 ms), and its loading starts now so
  // that it overlaps the rest of start-up instead of delaying the first request.
  const client = loadSdk(() => import("./anthropic_sdk.ts")).then(({ AnthropicMessagesClient }) =>
    new AnthropicMessagesClient({
      apiKey: options.apiKey,
      baseURL,
      maxRetries: 0,
      // The SDK would print a malformed event's raw lines to stderr; the failure is reported once, by us.
      logLevel: "off",
      openTelemetry: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    })
  );
  return {
    provider: "anthropic",
    server: serverOf(baseURL),
    async stream(request: LlmRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<LlmResponse> {
      const started = performance.now();
      let firstChunkMs: number | undefined;
      const stream = (await client).messages.stream(anthropicParams(request), { signal });
      // Without a listener the SDK reports a failed stream as an unhandled rejection.
      stream.on("error", () => {});
      stream.on("streamEvent", () => {
        handlers.onActivity?.();
        if (firstChunkMs === undefined) {
          firstChunkMs = performance.now() - started;
          handlers.onFirstChunk?.();
        }
      });
      stream.on("text", (text) => handlers.onText?.(text));
      stream.on("thinking", (delta) => handlers.onThinking?.(delta));
      try {
        const message = await stream.finalMessage();
        const content: ContentBlock[] = [];
        for (const block of message.content) {
          if (block.type === "text") content.push({ type: "text", text: block.text });
          else if (block.type === "redacted_thinking") {
            content.push({ type: "redacted_thinking", data: block.data });
          } else if (block.type === "thinking") {
            content.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
          } else if (block.type === "tool_use") {
            content.push({
              type: "tool_use",
              id: block.id,
              name: block.name,
              input: (block.input ?? {}) as Record<string, unknown>,
            });
          }
        }
        const usage = message.usage;
        return {
          id: message.id,
          model: message.model,
          content,
          finishReason: finishReason(message.stop_reason),
          usage: {
            input: usage.input_tokens,
            output: usage.output_tokens,
            cacheRead: usage.cache_read_input_tokens ?? 0,
            cacheWrite: usage.cache_creation_input_tokens ?? 0,
            reasoning: (usage as { output_tokens_details?: { thinking_tokens?: number } | null })
              .output_tokens_details?.thinking_tokens ?? 0,
          },
          timeToFirstChunkMs: firstChunkMs,
        };
      } catch (error) {
        throw classifyError(error, "anthropic", signal, {
          baseUrl: baseURL,
          proxyVariable: options.proxyVariable,
        });
      }
    },
  };
}
