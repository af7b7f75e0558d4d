/**
 * What kind of network failure an error stands for, read from its message and its cause chain
 * (fetch puts the informative part, e.g. "tcp connect error: Connection refused", in a cause).
 * One classifier for the OTLP exporter's failures and for kodelet's own OTLP requests.
 */

/** The kinds a transport failure is sorted into. */
export type NetworkErrorKind = "timeout" | "refused" | "dns" | "tls" | "reset" | "network";

/** Sorts a failed request into a kind, with its innermost message (one line). */
export function classifyNetworkError(error: unknown): { kind: NetworkErrorKind; message: string } {
  const texts: string[] = [];
  // Node-style errors carry the telling part in `code` (ECONNREFUSED), not in the message.
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === "string") codes.push(code);
      texts.push(`${current.name} ${current.message}`);
      current = current.cause;
    } else {
      texts.push(String(current));
      break;
    }
  }
  const text = [...texts, ...codes].join(" | ");
  // The innermost message is the informative one ("tcp connect error: Connection refused ...").
  const detail = (texts.at(-1) ?? "").replace(/^\w*Error /, "").replace(/^.*client error \(\w+\): /, "");
  const message = detail.split("\n")[0] ?? "";
  if (/TimeoutError|timed? ?out|ETIMEDOUT/i.test(text)) return { kind: "timeout", message };
  if (/connection refused|ECONNREFUSED/i.test(text)) return { kind: "refused", message };
  if (
    /dns error|failed to lookup|ENOTFOUND|EAI_AGAIN|name or service not known|no such host|name resolution/i
      .test(text)
  ) {
    return { kind: "dns", message };
  }
  // rustls says "received corrupt message of type InvalidContentType" when https meets plain http.
  if (/certificate|tls|ssl|handshake|corrupt message|InvalidContentType|rustls/i.test(text)) {
    return { kind: "tls", message };
  }
  if (/reset|broken pipe|ECONNRESET|connection closed|socket hang up/i.test(text)) {
    return { kind: "reset", message };
  }
  return { kind: "network", message };
}
