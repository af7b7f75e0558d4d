/**
 * One OTLP/HTTP request with fetch, and what became of it in terms a user can act on: delivered, an
 * HTTP status, or the network failure behind it (connection refused, DNS, TLS, timeout). Used by the
 * spool, `trace export` and `tracing check`; the SDK's exporter is not used here because it reports
 * failures as opaque errors and retries on its own schedule.
 */
import type { OtlpConfig } from "../config/mod.ts";
import { classifyNetworkError, type NetworkErrorKind } from "./network_error.ts";

/** Where and how to send. */
export interface OtlpTarget {
  /** Full traces URL (…/v1/traces). */
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: OtlpConfig["compression"];
  tls: OtlpConfig["tls"];
}

/** What became of a request. */
export type SendOutcome =
  | { kind: "delivered"; status: number; ms: number; responseBody: Uint8Array }
  | { kind: "http"; status: number; ms: number; message: string; retryAfter: string | undefined }
  | { kind: NetworkErrorKind; ms: number; message: string };

/** The fetch function; tests may pass their own. */
export type Fetch = typeof fetch;

/** The OTLP/HTTP target configured for exporting. */
export function configuredTarget(otlp: OtlpConfig, url: string = otlp.tracesUrl): OtlpTarget {
  return {
    url,
    headers: otlp.headers,
    timeoutMs: otlp.timeoutMs,
    compression: otlp.compression,
    tls: otlp.tls,
  };
}

async function gzip(body: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let index = at;
  while (index < bytes.length && shift < 35) {
    const byte = bytes[index++] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, index];
    shift += 7;
  }
  throw new RangeError("bad varint");
}

/** google.rpc.Status.message (field 2) from its protobuf encoding, which OTLP/HTTP servers send with errors. */
function rpcStatusMessage(bytes: Uint8Array): string {
  try {
    let at = 0;
    while (at < bytes.length) {
      const [tag, next] = readVarint(bytes, at);
      at = next;
      const wireType = tag & 7;
      if (wireType === 0) [, at] = readVarint(bytes, at);
      else if (wireType === 2) {
        const [length, start] = readVarint(bytes, at);
        if (tag >>> 3 === 2) return new TextDecoder().decode(bytes.subarray(start, start + length));
        at = start + length;
      } else return "";
    }
  } catch {
    // not a Status after all
  }
  return "";
}

/** The message of an OTLP error answer (a google.rpc.Status, or plain text), shortened. */
function errorMessage(body: Uint8Array, contentType: string | null): string {
  if ((contentType ?? "").includes("protobuf")) return rpcStatusMessage(body).slice(0, 200);
  const text = new TextDecoder().decode(body).trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === "object" && parsed !== null && "message" in parsed &&
      typeof parsed.message === "string"
    ) {
      return parsed.message.slice(0, 200);
    }
  } catch {
    // not JSON: plain text or HTML
  }
  return /^</.test(text) ? "" : text.replace(/\s+/g, " ").slice(0, 200);
}

/** Options of one send. */
export interface SendOptions {
  fetch?: Fetch;
  /** Cancels the request (Ctrl-C); the target's timeout applies as well. */
  signal?: AbortSignal;
}

/** POSTs one encoded request and reports the outcome; never throws for network or HTTP failures. */
export async function postOtlp(
  target: OtlpTarget,
  request: { body: Uint8Array; contentType: string },
  options: SendOptions = {},
): Promise<SendOutcome> {
  const headers = new Headers(target.headers);
  headers.set("Content-Type", request.contentType);
  let body = request.body;
  if (target.compression === "gzip") {
    body = await gzip(body);
    headers.set("Content-Encoding", "gzip");
  }
  const timeout = AbortSignal.timeout(target.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const client = Object.keys(target.tls).length > 0
    ? Deno.createHttpClient({
      ...(target.tls.ca ? { caCerts: [target.tls.ca] } : {}),
      ...(target.tls.cert && target.tls.key ? { cert: target.tls.cert, key: target.tls.key } : {}),
    })
    : undefined;
  const started = performance.now();
  try {
    const response = await (options.fetch ?? fetch)(target.url, {
      method: "POST",
      headers,
      body: body as Uint8Array<ArrayBuffer>,
      signal,
      ...(client ? { client } : {}),
    });
    const answer = new Uint8Array(await response.arrayBuffer());
    const ms = performance.now() - started;
    if (response.ok) return { kind: "delivered", status: response.status, ms, responseBody: answer };
    return {
      kind: "http",
      status: response.status,
      ms,
      message: errorMessage(answer, response.headers.get("content-type")),
      retryAfter: response.headers.get("retry-after") ?? undefined,
    };
  } catch (error) {
    const ms = performance.now() - started;
    if (options.signal?.aborted && !timeout.aborted) return { kind: "network", ms, message: "cancelled" };
    return { ...classifyNetworkError(error), ms };
  } finally {
    client?.close();
  }
}

/** The outcome in a few words, for a log line or a one-line error. */
export function describeOutcome(outcome: SendOutcome, timeoutMs: number): string {
  switch (outcome.kind) {
    case "delivered":
      return `delivered (HTTP ${outcome.status}) in ${Math.round(outcome.ms)} ms`;
    case "http":
      return `HTTP ${outcome.status}${outcome.message ? `: ${outcome.message}` : ""}`;
    case "refused":
      return "connection refused";
    case "dns":
      return "host not found (DNS)";
    case "tls":
      return `TLS error: ${outcome.message}`;
    case "timeout":
      return `no answer within ${timeoutMs / 1000}s`;
    case "reset":
      return "connection reset";
    case "network":
      return outcome.message || "network error";
  }
}

/** Whether sending the same request again later can succeed (OTLP/HTTP's retryable statuses, and any network failure). */
export function isRetryable(outcome: SendOutcome): boolean {
  if (outcome.kind === "delivered") return false;
  if (outcome.kind !== "http") return true;
  // 401/403/404 are configuration problems the user can fix: keep the data for when they have.
  return [401, 403, 404, 408, 429, 502, 503, 504].includes(outcome.status) || outcome.status >= 500;
}
