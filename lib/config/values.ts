/**
 * Parsers for configuration values. Each takes what a YAML file, an env var or a flag gave (a string,
 * or a YAML scalar/map) and returns the typed value, or throws ValueError with the "must be ..." part
 * of the message; the loader adds the key, the value and where it came from.
 */

/** The reason a value was refused, phrased to follow "Invalid <key> "<value>" (from <source>): ". */
export class ValueError extends Error {
  override readonly name = "ValueError";
  /**
   * For a key whose value is a structure (mcp.servers): the part that was refused, e.g.
   * `github.url`, and its value; the loader then names that part instead of the whole structure.
   */
  readonly part: { path: string; value: unknown; secret?: boolean } | undefined;
  constructor(message: string, part?: { path: string; value: unknown; secret?: boolean }) {
    super(message);
    this.part = part;
  }
}

/** A parser from a raw configuration value to a typed one. */
export type Parser<T> = (raw: unknown) => T;

function text(raw: unknown): string {
  if (typeof raw === "string") return raw.trim();
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  throw new ValueError("must be a single value, not a list or a map");
}

/** true/false in the spellings people use in env vars and YAML. */
export const boolean: Parser<boolean> = (raw) => {
  if (typeof raw === "boolean") return raw;
  const value = text(raw).toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off", ""].includes(value)) return false;
  throw new ValueError("must be true or false");
};

/** A finite number within [min, max]. */
export function numberBetween(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = typeof raw === "number" ? raw : Number(text(raw));
    if (text(raw) === "" || !Number.isFinite(value) || value < min || value > max) {
      throw new ValueError(`must be a number between ${min} and ${max}`);
    }
    return value;
  };
}

/** A whole number within [min, max]. */
export function integerBetween(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = typeof raw === "number" ? raw : Number(text(raw));
    if (text(raw) === "" || !Number.isInteger(value) || value < min || value > max) {
      throw new ValueError(`must be a whole number between ${min} and ${max}`);
    }
    return value;
  };
}

/** One of a fixed set of words (case-insensitive). */
export function oneOf<const T extends string>(choices: readonly T[]): Parser<T> {
  return (raw) => {
    const value = text(raw).toLowerCase();
    const found = choices.find((choice) => choice === value);
    if (found === undefined) throw new ValueError(`must be one of ${choices.join(", ")}`);
    return found;
  };
}

/** A comma-separated list of words from a fixed set, without duplicates. */
export function listOf<const T extends string>(choices: readonly T[]): Parser<T[]> {
  const one = oneOf(choices);
  return (raw) => {
    const items = Array.isArray(raw) ? raw : text(raw).split(",");
    const values = items.map((item) => (typeof item === "string" ? item.trim() : item))
      .filter((item) => item !== "").map(one);
    if (values.length === 0) throw new ValueError(`must list one or more of ${choices.join(", ")}`);
    return [...new Set(values)];
  };
}

/** Any non-empty string. */
export const nonEmptyString: Parser<string> = (raw) => {
  const value = text(raw);
  if (value === "") throw new ValueError("must not be empty");
  return value;
};

/** An absolute http:// or https:// URL. */
export const httpUrl: Parser<string> = (raw) => {
  const value = text(raw);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValueError("must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ValueError("must be an absolute http:// or https:// URL");
  }
  return value;
};

/**
 * A duration: a bare number is read in `unit` (what the key's name promises, e.g. OTEL_* timeouts are
 * milliseconds), or a number with ms/s/m suffix. Returns milliseconds.
 */
export function duration(unit: "ms" | "s", maxMs = 3_600_000, minMs = 0): Parser<number> {
  return (raw) => {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text(raw));
    if (!match) {
      throw new ValueError(
        `must be a duration such as 1500ms, 2s or a number of ${unit === "ms" ? "milliseconds" : "seconds"}`,
      );
    }
    const amount = Number(match[1]);
    const suffix = match[2] ?? unit;
    const ms = suffix === "ms" ? amount : suffix === "s" ? amount * 1000 : amount * 60_000;
    if (ms > maxMs) throw new ValueError(`must be at most ${maxMs / 1000} seconds`);
    if (ms < minMs) throw new ValueError(`must be at least ${minMs} ms`);
    return Math.round(ms);
  };
}

/**
 * A decoded line break or other control character cannot go into an HTTP header: refused now (from
 * the env list and from a YAML map alike) rather than have every export fail later.
 */
function headerValue(key: string, value: string): string {
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
    throw new ValueError(`has a value for "${escapeKey(key)}" with a control character in it`);
  }
  return value;
}

function escapeKey(key: string): string {
  // deno-lint-ignore no-control-regex
  return key.replace(/[\x00-\x1f\x7f]/g, "?");
}

/**
 * The W3C Baggage-like list the OpenTelemetry spec uses for OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_RESOURCE_ATTRIBUTES: `key=value,key2=value2`, values percent-decoded. decodeURIComponent is
 * used on purpose: unlike form decoding it leaves `+` alone, and base64 credentials contain `+`.
 * A YAML map is accepted as is.
 */
export const keyValueList: Parser<Record<string, string>> = (raw) => {
  const result: Record<string, string> = {};
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      // deno-lint-ignore no-control-regex
      if (key === "" || /[\s"(),/:;<=>?@[\\\]{}\x00-\x1f\x7f]/.test(key)) {
        throw new ValueError(`has a key "${escapeKey(key)}" that cannot be a header or attribute name`);
      }
      result[key] = headerValue(key, text(value));
    }
    return result;
  }
  const source = text(raw);
  if (source === "") return result;
  for (const pair of source.split(",")) {
    const separator = pair.indexOf("=");
    const key = separator < 0 ? "" : pair.slice(0, separator).trim();
    if (separator < 0 || key === "" || /[\s"(),/:;<=>?@[\\\]{}]/.test(key)) {
      throw new ValueError("must be a comma-separated list of key=value pairs");
    }
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(separator + 1).trim());
    } catch {
      throw new ValueError(`has a value for "${key}" that is not valid percent-encoding`);
    }
    result[key] = headerValue(key, value);
  }
  return result;
};

/** A comma-separated list (or a YAML list) of names such as environment variable names. */
export const nameList: Parser<string[]> = (raw) => {
  const items = Array.isArray(raw) ? raw.map((item) => text(item)) : text(raw).split(",");
  const names = items.map((item) => item.trim()).filter((item) => item !== "");
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ValueError("must be a comma-separated list of environment variable names");
    }
  }
  return names;
};
