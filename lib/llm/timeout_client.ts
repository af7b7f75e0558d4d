/**
 * Time limits around a provider's streaming request: a server that never answers, or answers with
 * headers and then stalls, would otherwise leave a run silent forever. Until the first chunk the
 * request timeout applies; after it, every chunk restarts the idle timeout. A timeout is an LlmError
 * of kind "timeout", which the retry wrapper retries when nothing was shown yet and otherwise ends
 * the turn with its one-line message.
 */
import { type LlmClient, LlmError, type LlmRequest, type LlmResponse, type StreamHandlers } from "./types.ts";

/** The two limits, in milliseconds. */
export interface LlmTimeouts {
  requestTimeoutMs: number;
  streamIdleTimeoutMs: number;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** Wraps a client with the request (first chunk) and stream idle timeouts. */
export function withTimeouts(client: LlmClient, timeouts: LlmTimeouts): LlmClient {
  return {
    ...client,
    async stream(request: LlmRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<LlmResponse> {
      const controller = new AbortController();
      const forward = () => controller.abort(signal.reason);
      signal.addEventListener("abort", forward, { once: true });
      if (signal.aborted) forward();
      let expired: LlmError | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = (ms: number, message: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          expired = new LlmError("timeout", message);
          controller.abort(expired);
        }, ms);
      };
      const name = client.provider === "anthropic" ? "Anthropic API" : "OpenAI-compatible server";
      arm(
        timeouts.requestTimeoutMs,
        `${name} did not answer within ${seconds(timeouts.requestTimeoutMs)} (llm.request_timeout)`,
      );
      const idleMessage = `${name} stopped streaming for ${
        seconds(timeouts.streamIdleTimeoutMs)
      } (llm.stream_idle_timeout); the answer is incomplete`;
      try {
        return await client.stream(request, {
          ...handlers,
          onActivity: () => {
            arm(timeouts.streamIdleTimeoutMs, idleMessage);
            handlers.onActivity?.();
          },
        }, controller.signal);
      } catch (error) {
        // The user's Ctrl-C stays a cancellation; only our own abort is a timeout.
        if (expired && !signal.aborted) throw expired;
        throw error;
      } finally {
        clearTimeout(timer);
        signal.removeEventListener("abort", forward);
      }
    },
  };
}
