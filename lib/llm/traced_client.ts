/**
 * Wraps a provider's client so that every request is a `chat <model>` span (SpanKind CLIENT) with
 * the GenAI semantic conventions' request, response and usage attributes, and its cost.
 */
import type { Logger } from "../log.ts";
import {
  type Attributes,
  errorTypeOf,
  failSpan,
  GEN_AI,
  GENERAL,
  KODELET,
  type Redactor,
  signals,
  SpanKind,
  withSpan,
} from "../telemetry/mod.ts";
import { conventionMessages, conventionOutput, fitNewest } from "./content_capture.ts";
import { contextWindowOf } from "./context_windows.ts";
import { costUsd } from "./pricing.ts";
import { attemptsOf } from "./retrying_client.ts";
import {
  type LlmClient,
  LlmError,
  type LlmRequest,
  type LlmResponse,
  type StreamHandlers,
  textOf,
} from "./types.ts";

/** What the chat spans need besides the request. */
export interface ChatSpanOptions {
  conversationId: string;
  /** Debug lines about each request, written inside its span (so they carry its ids). */
  log?: Logger;
  captureContent: boolean;
  captureMaxBytes: number;
  redact: Redactor;
  /** context.window; unset: each model's window from the table. */
  contextWindow?: number | undefined;
}

/** The input token count the conventions define: Anthropic's includes cache reads and writes. */
export function conventionInputTokens(response: LlmResponse): number {
  return response.usage.input + response.usage.cacheRead + response.usage.cacheWrite;
}

/** Characters of the newest user text, a privacy-safe size of what was asked. */
function lastUserTextLength(request: LlmRequest): number {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index];
    if (message?.role !== "user") continue;
    const text = textOf(message.content);
    if (text !== "") return text.length;
  }
  return 0;
}

/** The cost of a response in USD, or undefined for a model without a price. */
export function responseCost(response: LlmResponse, requestedModel: string): number | undefined {
  const tokens = {
    input: response.usage.input,
    output: response.usage.output,
    cacheRead: response.usage.cacheRead,
    cacheWrite: response.usage.cacheWrite,
  };
  return costUsd(response.model || requestedModel, tokens) ?? costUsd(requestedModel, tokens);
}

/** Wraps a client with chat spans. */
export function withChatSpans(client: LlmClient, options: ChatSpanOptions): LlmClient {
  const capture = (
    span: { setAttribute(key: string, value: string): void },
    key: string,
    items: unknown[],
  ) => {
    if (!options.captureContent) return;
    span.setAttribute(key, fitNewest(items, options.captureMaxBytes, options.redact));
  };
  return {
    ...client,
    stream(request: LlmRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<LlmResponse> {
      // Set at creation, so that samplers can read them.
      const attributes: Attributes = {
        [GEN_AI.OPERATION_NAME]: "chat",
        [GEN_AI.PROVIDER_NAME]: client.provider,
        [GEN_AI.REQUEST_MODEL]: request.model,
        [GENERAL.SERVER_ADDRESS]: client.server.address,
        [GENERAL.SERVER_PORT]: client.server.port,
      };
      return withSpan(`chat ${request.model}`, async (span) => {
        span.setAttributes({
          [GEN_AI.CONVERSATION_ID]: options.conversationId,
          [GEN_AI.REQUEST_MAX_TOKENS]: request.maxTokens,
          [GEN_AI.REQUEST_STREAM]: true,
          [KODELET.MODEL]: request.model,
          [KODELET.MESSAGE_LENGTH]: lastUserTextLength(request),
          // Only OpenAI-compatible servers receive a temperature (see anthropic.ts).
          ...(request.temperature !== undefined && client.provider === "openai"
            ? { [GEN_AI.REQUEST_TEMPERATURE]: request.temperature }
            : {}),
        });
        capture(span, GEN_AI.SYSTEM_INSTRUCTIONS, [{ type: "text", content: request.system }]);
        capture(span, GEN_AI.INPUT_MESSAGES, conventionMessages(request.messages));
        let response: LlmResponse;
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        options.log?.debug("llm request", {
          provider: client.provider,
          model: request.model,
          messages: request.messages.length,
          tools: request.tools.length,
        });
        try {
          response = await client.stream(request, handlers, signal);
        } catch (error) {
          options.log?.debug("llm request failed", {
            error_type: error instanceof LlmError ? error.kind : errorTypeOf(error),
            status: error instanceof LlmError ? error.status : undefined,
          });
          signals.llmCall({
            provider: client.provider,
            model: request.model,
            durationS: seconds(),
            errorType: error instanceof LlmError
              ? (error.status !== undefined ? String(error.status) : error.kind)
              : errorTypeOf(error),
            status: error instanceof LlmError ? error.status : undefined,
            attempt: attemptsOf(error),
          });
          if (error instanceof LlmError) {
            if (error.status !== undefined) span.setAttribute(GENERAL.HTTP_STATUS_CODE, error.status);
            failSpan(span, error.status !== undefined ? String(error.status) : error.kind, error.message);
          }
          throw error;
        }
        const cost = responseCost(response, request.model);
        signals.llmCall({
          provider: client.provider,
          model: request.model,
          responseModel: response.model,
          durationS: seconds(),
          timeToFirstChunkS: response.timeToFirstChunkMs !== undefined
            ? response.timeToFirstChunkMs / 1000
            : undefined,
          usage: response.usage,
          costUsd: cost,
          attempt: attemptsOf(response),
        });
        options.log?.debug("llm response", {
          response_id: response.id,
          finish_reason: response.finishReason,
          input_tokens: conventionInputTokens(response),
          output_tokens: response.usage.output,
          cost_usd: cost,
        });
        span.setAttributes({
          [GEN_AI.RESPONSE_MODEL]: response.model,
          [GEN_AI.RESPONSE_ID]: response.id,
          [GEN_AI.RESPONSE_FINISH_REASONS]: [response.finishReason],
          [GEN_AI.USAGE_INPUT_TOKENS]: conventionInputTokens(response),
          [GEN_AI.USAGE_OUTPUT_TOKENS]: response.usage.output,
          [GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS]: response.usage.cacheRead,
          [GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS]: response.usage.cacheWrite,
          ...(response.usage.reasoning > 0
            ? { [GEN_AI.USAGE_REASONING_OUTPUT_TOKENS]: response.usage.reasoning }
            : {}),
          ...(response.timeToFirstChunkMs !== undefined
            ? {
              [GEN_AI.RESPONSE_TIME_TO_FIRST_CHUNK]: response.timeToFirstChunkMs / 1000,
              [KODELET.TIME_TO_FIRST_TOKEN_MS]: Math.round(response.timeToFirstChunkMs),
            }
            : {}),
          ...(cost !== undefined ? { [KODELET.COST_USD]: cost } : {}),
          // How full the model's window is after this response: what the next request starts from.
          [KODELET.CONTEXT_USED_RATIO]: (conventionInputTokens(response) + response.usage.output) /
            contextWindowOf(request.model, options.contextWindow),
        });
        capture(span, GEN_AI.OUTPUT_MESSAGES, conventionOutput(response.content, response.finishReason));
        return { ...response, costUsd: cost };
      }, { kind: SpanKind.CLIENT, attributes });
    },
  };
}
