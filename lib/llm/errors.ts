/** Turns what the SDKs throw into LlmError, using only the HTTP facts they expose. */
import { classifyNetworkError } from "../telemetry/mod.ts";
import { LlmError, type LlmErrorKind } from "./types.ts";

interface HttpLike {
  status?: unknown;
  headers?: unknown;
  message?: unknown;
  name?: unknown;
  /** The error's type from the body; an error event inside a 200 stream has it but no status. */
  type?: unknown;
}

/** Error types sent inside a stream (Anthropic's `event: error`, OpenAI's `{"error": ...}` chunk). */
const STREAM_ERROR_KINDS: Record<string, LlmErrorKind> = {
  overloaded_error: "overloaded",
  rate_limit_error: "rate_limited",
  api_error: "server",
  server_error: "server",
};

function header(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (headers !== null && typeof headers === "object") {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === "string" ? value : undefined;
  }
  return undefined;
}

/** retry-after-ms, then retry-after (seconds or an HTTP date), in milliseconds. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const ms = Number(header(headers, "retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && header(headers, "retry-after-ms") !== undefined) return ms;
  const raw = header(headers, "retry-after");
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The server's own message, without the SDK's "400 {json}" decoration. */
function serverMessage(error: HttpLike): string {
  const text = typeof error.message === "string" ? error.message : "";
  const match = /"message"\s*:\s*"([^"]+)"/.exec(text);
  return (match?.[1] ?? text.replace(/^\d{3}\s*/, "")).split("\n")[0] ?? "";
}

/** Where a provider's requests go, for saying which setting to look at when it cannot be reached. */
export interface Endpoint {
  baseUrl: string;
  /** The proxy variable in force for this URL, if any (its value may hold credentials: never shown). */
  proxyVariable?: string | undefined;
}

/** Why a connection failed, in the words `kodelet tracing check` uses. */
function connectionReason(error: unknown): string {
  const { kind, message } = classifyNetworkError(error);
  switch (kind) {
    case "refused":
      return "connection refused (nothing listens there)";
    case "dns":
      return "host name not found (DNS)";
    case "tls":
      return `TLS failed (${message})`;
    case "timeout":
      return "no answer (timed out)";
    case "reset":
      return `connection closed (${message})`;
    case "network":
      return message || "the request failed";
  }
}

/** "Cannot reach Anthropic at URL: why; check ANTHROPIC_BASE_URL (and the proxy in HTTPS_PROXY)". */
function cannotReach(name: string, provider: string, error: unknown, endpoint: Endpoint | undefined): string {
  if (!endpoint) return `Cannot reach ${name}: ${connectionReason(error)}`;
  const setting = provider === "anthropic" ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL";
  const proxy = endpoint.proxyVariable ? ` and the proxy in ${endpoint.proxyVariable}` : "";
  return `Cannot reach ${name} at ${endpoint.baseUrl}: ${connectionReason(error)}; check ${setting}${proxy}`;
}

/** A retry's reason in a few words, for the status line: "529 overloaded", "connection refused". */
export function retryReason(error: LlmError): string {
  const words: Record<LlmErrorKind, string> = {
    auth: "auth",
    bad_request: "bad request",
    not_found: "not found",
    rate_limited: "rate limited",
    overloaded: "overloaded",
    server: "server error",
    connection: "connection failed",
    stream_broken: "stream broke off",
    timeout: "timed out",
    cancelled: "cancelled",
  };
  if (error.status !== undefined) return `${error.status} ${words[error.kind]}`;
  if (error.kind === "connection") {
    const kind = classifyNetworkError(error.cause ?? error).kind;
    const network: Record<string, string> = {
      refused: "connection refused",
      dns: "DNS lookup failed",
      tls: "TLS error",
      timeout: "connect timed out",
      reset: "connection reset",
    };
    return network[kind] ?? words.connection;
  }
  return words[error.kind];
}

/** Classifies an SDK error (or a plain network error) into an LlmError. */
export function classifyError(
  error: unknown,
  provider: string,
  signal: AbortSignal,
  endpoint?: Endpoint,
): LlmError {
  if (error instanceof LlmError) return error;
  if (signal.aborted) return new LlmError("cancelled", "Cancelled", undefined, undefined, { cause: error });
  const http = (error ?? {}) as HttpLike;
  const status = typeof http.status === "number" ? http.status : undefined;
  const wait = retryAfterMs(http.headers);
  const detail = serverMessage(http);
  const name = provider === "anthropic" ? "Anthropic" : "OpenAI";
  if (status === 401 || status === 403) {
    return new LlmError(
      "auth",
      `${name} rejected the API key (HTTP ${status}): check ${
        provider === "anthropic" ? "ANTHROPIC" : "OPENAI"
      }_API_KEY ` +
        `(or ${provider === "anthropic" ? "anthropic" : "openai"}.api_key in config.yaml)`,
      status,
      undefined,
      { cause: error },
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    return new LlmError(
      "bad_request",
      `${name} refused the request (HTTP ${status}): ${detail}`,
      status,
      undefined,
      {
        cause: error,
      },
    );
  }
  if (status === 404) {
    return new LlmError(
      "not_found",
      `${name} does not know this model or endpoint (HTTP 404): ${detail}`,
      status,
      undefined,
      {
        cause: error,
      },
    );
  }
  if (status === 429) {
    return new LlmError("rate_limited", `${name} rate limit (HTTP 429)`, status, wait, { cause: error });
  }
  if (status === 529) {
    return new LlmError("overloaded", `${name} is overloaded (HTTP 529)`, status, wait, { cause: error });
  }
  if (status !== undefined && status >= 500) {
    return new LlmError("server", `${name} server error (HTTP ${status}): ${detail}`, status, wait, {
      cause: error,
    });
  }
  if (status === 408 || status === 409) {
    return new LlmError("server", `${name} asked to retry (HTTP ${status})`, status, wait, { cause: error });
  }
  if (status === undefined && typeof http.type === "string" && http.type !== "") {
    return new LlmError(
      STREAM_ERROR_KINDS[http.type] ?? "stream_broken",
      `${name} reported an error in the response stream (${http.type}): ${detail}`,
      undefined,
      undefined,
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (
    /body|stream|terminated|premature|reading/i.test(message) && status === undefined &&
    http.name !== "APIConnectionError"
  ) {
    return new LlmError(
      "stream_broken",
      `The ${name} response stream broke off: ${message.split("\n")[0]}`,
      undefined,
      undefined,
      {
        cause: error,
      },
    );
  }
  return new LlmError("connection", cannotReach(name, provider, error, endpoint), status, undefined, {
    cause: error,
  });
}
