/**
 * Retries a provider's request on 429, 529 and 5xx (and dropped connections), honouring the
 * server's retry-after, with exponential backoff otherwise. A request whose answer had already
 * started streaming to the user is not retried: that would print the answer twice.
 */
import { trace } from "@opentelemetry/api";
import type { Logger } from "../log.ts";
import { GENERAL, KODELET, signals } from "../telemetry/mod.ts";
import { retryReason } from "./errors.ts";
import { type LlmClient, LlmError, type LlmRequest, type LlmResponse, type StreamHandlers } from "./types.ts";

/** How retries wait. */
export interface RetryPolicy {
  maxRetries: number;
  /** First backoff in ms; doubles per attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Waits, abortably; replaceable in tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Says when and why a request is retried. */
  log?: Logger;
}

/** Waits ms, or rejects as soon as the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new LlmError("cancelled", "Cancelled"));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmError("cancelled", "Cancelled"));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, error: LlmError, policy: RetryPolicy): number {
  const max = policy.maxDelayMs ?? 30_000;
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, max);
  const base = (policy.baseDelayMs ?? 500) * 2 ** (attempt - 1);
  // Full jitter keeps many kodelet processes from retrying in lockstep.
  return Math.min(max, base / 2 + Math.random() * base / 2);
}

const attempts = new WeakMap<object, number>();

/** How many attempts the response (or the error) of a retried request took; 1 when never retried. */
export function attemptsOf(outcome: unknown): number {
  return typeof outcome === "object" && outcome !== null ? attempts.get(outcome) ?? 1 : 1;
}

/** Wraps a client with retries; retries are counted on the active (chat) span, one event each. */
export function withRetries(client: LlmClient, policy: RetryPolicy): LlmClient {
  const sleep = policy.sleep ?? abortableSleep;
  return {
    ...client,
    async stream(request: LlmRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<LlmResponse> {
      const span = trace.getActiveSpan();
      for (let attempt = 0;; attempt++) {
        let streamed = false;
        try {
          const response = await client.stream(request, {
            ...handlers,
            onText: (text) => {
              streamed = true;
              handlers.onText?.(text);
            },
            // Thinking the user has seen counts as output too: a retry would show it twice.
            onThinking: (text) => {
              streamed = true;
              handlers.onThinking?.(text);
            },
          }, signal);
          span?.setAttribute(KODELET.RETRIES, attempt);
          attempts.set(response, attempt + 1);
          return response;
        } catch (error) {
          span?.setAttribute(KODELET.RETRIES, attempt);
          if (typeof error === "object" && error !== null) attempts.set(error, attempt + 1);
          if (!(error instanceof LlmError) || !error.retryable || streamed || attempt >= policy.maxRetries) {
            throw error;
          }
          const delay = backoffDelay(attempt + 1, error, policy);
          signals.retry({
            provider: client.provider,
            model: request.model,
            errorType: error.status !== undefined ? String(error.status) : error.kind,
            status: error.status,
            attempt: attempt + 1,
            delayMs: delay,
          });
          // The user sees the retry in the renderer's status line (issue 12: not as a warning on the
          // terminal); the log keeps it at info, for --log-level info, --verbose and the OTLP log records.
          handlers.onRetry?.({
            attempt: attempt + 2,
            attempts: policy.maxRetries + 1,
            delayMs: delay,
            reason: retryReason(error),
          });
          policy.log?.info("retrying llm request", {
            attempt: attempt + 1,
            delay_ms: Math.round(delay),
            error_type: error.status !== undefined ? String(error.status) : error.kind,
          });
          span?.addEvent("retry", {
            "kodelet.retry.attempt": attempt + 1,
            "kodelet.retry.delay_ms": Math.round(delay),
            [GENERAL.ERROR_TYPE]: error.status !== undefined ? String(error.status) : error.kind,
          });
          await sleep(delay, signal);
        }
      }
    },
  };
}
