/**
 * Redaction and truncation of anything that may be recorded (captured content, exception messages,
 * log lines). Known secret values (API keys, header values, credential-like env vars) are replaced
 * wherever they occur; credentials the secretlint rules recognise (secret_scan.ts) are replaced
 * even when we were not told of them; and credentials by position (a URL's password, a
 * `password=`/`token=`/`secret=` parameter, an Authorization value) keep their name and lose their value.
 */
import { findSecrets } from "./secret_scan.ts";

const REPLACEMENT = "[REDACTED]";

/** Credentials by position: the name stays (it helps reading), the value goes. */
const POSITIONAL: [RegExp, string][] = [
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*):[^\s@/?#]+@/gi, `$1:${REPLACEMENT}@`],
  // password=..., access_token=..., DB_PASSWORD=..., client_secret: ..., "api_key": "..." (query
  // strings, env listings, command lines, YAML, JSON). A value already masked (*** or [REDACTED]) stays.
  // "tokens" is a count, not a credential (input_tokens=1234, max_tokens: 8192), so it keeps its value.
  [
    /\b([\w.-]*(?:passw(?:or)?d|pwd|token(?!s)|secret|api[_-]?key|apikey|credential|private[_-]?key|signature)[\w.-]*["']?\s*[:=]\s*["']?)[^&\s#"'<>,;*[][^&\s#"'<>,;]{2,}/gi,
    `$1${REPLACEMENT}`,
  ],
];

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

/** What a redactor looks for besides the known secret values, positions and PATTERNS. */
export interface RedactorOptions {
  /**
   * Whether secretlint's rules scan each text too (the default). The spool's redactor goes without:
   * the rules cost 5 ms and more on their first use, which would fall on the exit of every traced
   * command, and whoever sends a spooled batch runs them before it leaves the machine (resend).
   */
  scanRules?: boolean;
}

/** Builds a redactor for the given secret values (longest first, so no secret is half-replaced). */
export function createRedactor(secrets: readonly string[], options: RedactorOptions = {}): Redactor {
  const known = [...new Set(secrets.filter((secret) => secret.length >= 6))]
    .sort((a, b) => b.length - a.length);
  const scanRules = options.scanRules ?? true;
  return (text) => {
    let result = text;
    for (const secret of known) {
      if (result.includes(secret)) result = result.split(secret).join(REPLACEMENT);
    }
    // By position first: it keeps the names (and a URL's host) that the rules would hide with the value.
    for (const [pattern, replacement] of POSITIONAL) result = result.replace(pattern, replacement);
    if (scanRules) result = replaceRanges(result, findSecrets(result));
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

/** Replaces the given ranges (overlapping ones merged) with the replacement marker. */
function replaceRanges(text: string, ranges: readonly (readonly [number, number])[]): string {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let result = "";
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    result += text.slice(at, Math.max(at, start)) + (start >= at ? REPLACEMENT : "");
    at = end;
  }
  return result + text.slice(at);
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

/** A Telegram bot token as a path segment: bot<id>:<secret>. */
const TELEGRAM_BOT = /^bot\d{5,}:[A-Za-z0-9_-]{30,}$/;

/**
 * Whether a path segment looks like a credential: a Telegram bot token, or a long token of mixed-case
 * letters and digits (webhook secrets, signed ids). Lower-case hex (commit ids) and UUIDs stay.
 */
function secretSegment(segment: string): boolean {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // not percent-encoded as it should be: judge it as it is
  }
  if (TELEGRAM_BOT.test(text)) return true;
  return text.length >= 32 && /^[A-Za-z0-9_.:~+=-]+$/.test(text) && /[a-z]/.test(text) &&
    /[A-Z]/.test(text) &&
    /\d/.test(text);
}

/**
 * A URL as it may be shown or recorded even with content capture off: no credentials, no query
 * string, no fragment, and no path segment that looks like a secret (a Telegram bot token, a Slack
 * webhook's path).
 */
function recordableUrl(url: URL): string {
  const origin = `${url.protocol}//${url.host}`;
  const path = url.pathname.split("/").map((segment) => secretSegment(segment) ? REPLACEMENT : segment)
    .join("/");
  const shown = origin + path;
  // The rules match whole webhook URLs; the origin is kept, only the path is hidden.
  const ranges = findSecrets(shown).map(([start, end]) => [Math.max(start, origin.length), end] as const)
    .filter(([start, end]) => end > start);
  return replaceRanges(shown, ranges);
}

/**
 * A URL as it may be shown or recorded (see recordableUrl). Text that is not a URL becomes
 * `unparsable`, since it may hold anything.
 */
export function safeUrl(url: string | URL, unparsable = "the OTLP endpoint"): string {
  try {
    return recordableUrl(url instanceof URL ? url : new URL(url));
  } catch {
    return unparsable;
  }
}

/**
 * The endpoint as a delivery report names it. Only the warning about undelivered items shows it,
 * so a report of none skips safeUrl, whose rule scan costs milliseconds on its first use, at exit.
 */
export function reportedDestination(undelivered: number, url: string): string {
  return undelivered > 0 ? safeUrl(url) : "";
}
