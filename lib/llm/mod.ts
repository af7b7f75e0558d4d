/**
 * The LLM side of kodelet: providers behind one interface, wrapped with retries and chat spans, the
 * provider-neutral conversation model, usage and cost. The agent loop that drives it is lib/agent/.
 */
import type { LlmConfig } from "../config/mod.ts";
import { UsageError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Redactor } from "../telemetry/mod.ts";
import { anthropicClient } from "./anthropic.ts";
import { defaultModel } from "./models.ts";
import { openAiClient } from "./openai.ts";
import { withRetries } from "./retrying_client.ts";
import { withTimeouts } from "./timeout_client.ts";
import { withChatSpans } from "./traced_client.ts";
import type { LlmClient } from "./types.ts";

export { defaultModel } from "./models.ts";
export { sessionSystemPrompt, systemPrompt } from "./system_prompt.ts";
export { contextWindowOf } from "./context_windows.ts";
export {
  addCost,
  addUsage,
  type ContentBlock,
  type FinishReason,
  type LlmClient,
  LlmError,
  type LlmErrorKind,
  type LlmRequest,
  type LlmResponse,
  type Message,
  type RetryNotice,
  type StreamHandlers,
  textOf,
  type ToolSchema,
  UNPARSED_ARGUMENTS,
  type Usage,
  zeroUsage,
} from "./types.ts";

/** What the client needs besides the LLM configuration. */
export interface ClientOptions {
  conversationId: string;
  captureContent: boolean;
  captureMaxBytes: number;
  redact: Redactor;
  log?: Logger;
  fetch?: typeof fetch;
  /** context.window, for the chat spans' kodelet.context.used_ratio. */
  contextWindow?: number | undefined;
  /** The environment, for the proxy variables Deno's fetch honours (named when a provider is unreachable). */
  env?: Record<string, string>;
}

/** The proxy variable Deno's fetch uses for a URL, when one is set. */
export function proxyVariableFor(url: string, env: Record<string, string>): string | undefined {
  const names = url.startsWith("https:") ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"];
  return names.find((name) => (env[name] ?? "") !== "");
}

/** The model a run uses. */
export function modelFor(config: LlmConfig): string {
  return config.model ?? defaultModel(config.provider);
}

/** The OpenAI key to send: a local OpenAI-compatible server (Ollama, llama.cpp) usually needs none. */
function openAiKey(config: LlmConfig): string | undefined {
  return config.openai.apiKey ?? (config.openai.baseUrl ? "not-needed" : undefined);
}

/**
 * Throws the usage error of a configuration no request can be made with (no API key), so that a
 * command can stop before it draws anything; createClient checks the same.
 */
export function checkCredentials(config: LlmConfig): void {
  if (config.provider === "anthropic" && !config.anthropic.apiKey) {
    throw new UsageError("Missing anthropic.api_key (set ANTHROPIC_API_KEY, or use --provider openai)");
  }
  if (config.provider === "openai" && !openAiKey(config)) {
    throw new UsageError(
      "Missing openai.api_key (set OPENAI_API_KEY, or openai.base_url for a local server)",
    );
  }
}

/**
 * The configured provider's client, with retries inside chat spans (so a span shows its retries).
 * A missing API key is a usage error: nothing can work without it.
 */
export function createClient(config: LlmConfig, options: ClientOptions): LlmClient {
  checkCredentials(config);
  let client: LlmClient;
  if (config.provider === "anthropic") {
    const apiKey = config.anthropic.apiKey ?? "";
    client = anthropicClient({
      apiKey,
      baseUrl: config.anthropic.baseUrl,
      proxyVariable: proxyVariableFor(config.anthropic.baseUrl ?? "https:", options.env ?? {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  } else {
    client = openAiClient({
      apiKey: openAiKey(config) ?? "",
      baseUrl: config.openai.baseUrl,
      proxyVariable: proxyVariableFor(config.openai.baseUrl ?? "https:", options.env ?? {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }
  const retries = { maxRetries: config.maxRetries, ...(options.log ? { log: options.log } : {}) };
  // Each attempt gets its own time limits; a timed-out attempt is retried like a dropped connection.
  const timed = withTimeouts(client, {
    requestTimeoutMs: config.requestTimeoutMs,
    streamIdleTimeoutMs: config.streamIdleTimeoutMs,
  });
  return withChatSpans(withRetries(timed, retries), options);
}
