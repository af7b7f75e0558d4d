/**
 * Redaction and truncation of anything that may be recorded (captured content, exception messages,
 * log lines). Known secret values (API keys, header values, credential-like env vars) are replaced
 * wherever they occur, and common credential shapes are replaced even when we were not told of them.
 */

const REPLACEMENT = "[REDACTED]";

/** Credential shapes worth catching even when the value was not configured here. */
const PATTERNS: RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{10,}/g, // Anthropic keys
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g, // OpenAI keys
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bglc_[A-Za-z0-9+/=_-]{20,}/g, // Grafana Cloud tokens
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key ids
  /\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]{8,}/gi, // Authorization values
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** A function that removes secrets from a text. */
export type Redactor = (text: string) => string;

/** Builds a redactor for the given secret values (longest first, so no secret is half-replaced). */
export function createRedactor(secrets: readonly string[]): Redactor {
  const known = [...new Set(secrets.filter((secret) => secret.length >= 6))]
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const secret of known) {
      if (result.includes(secret)) result = result.split(secret).join(REPLACEMENT);
    }
    for (const pattern of PATTERNS) {
      result = result.replace(
        pattern,
        (_match, scheme?: string) =>
          typeof scheme === "string" && /^(bearer|basic)$/i.test(scheme)
            ? `${scheme} ${REPLACEMENT}`
            : REPLACEMENT,
      );
    }
    return result;
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Cuts a text to at most maxBytes of UTF-8 (never splitting a character) and says how much was cut.
 */
export function truncateBytes(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so the cut falls between two characters.
  let end = Math.max(0, maxBytes);
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${decoder.decode(bytes.subarray(0, end))}…[truncated ${bytes.length - end} bytes]`;
}

/**
 * A URL as it may be shown or recorded: no credentials, no query string, no fragment. Text that is
 * not a URL becomes `unparsable`, since it may hold anything.
 */
export function safeUrl(url: string | URL, unparsable = "the OTLP endpoint"): string {
  try {
    const parsed = url instanceof URL ? url : new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return unparsable;
  }
}
