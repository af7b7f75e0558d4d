/**
 * Structured log lines (text or JSON) that carry the trace_id and span_id of the active span, so a
 * log line can be found next to its span. Every line goes through the redactor.
 */
import { isSpanContextValid, trace } from "@opentelemetry/api";
import type { LogConfig } from "./config/mod.ts";
import { escapeControl } from "./safe_text.ts";
import { type Redactor, signals } from "./telemetry/mod.ts";

/** Severity, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields attached to a log line. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** The logger every layer receives; it never throws. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogConfig["level"], number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Builds a logger that writes lines through `write` (stderr or a file, chosen by the caller). */
export function createLogger(
  config: LogConfig,
  write: (line: string) => void,
  redact: Redactor,
  now: () => Date = () => new Date(),
): Logger {
  const threshold = RANK[config.level];
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (RANK[level] < threshold) return;
    const spanContext = trace.getActiveSpan()?.spanContext();
    const ids = spanContext && isSpanContextValid(spanContext)
      ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
      : {};
    // The same line as an OTel log record (when log events are on), in the active span's context.
    signals.logLine(level, message, fields);
    const record: LogFields = { ...fields, ...ids };
    if (config.format === "json") {
      write(redact(JSON.stringify({ time: now().toISOString(), level, msg: message, ...record })));
      return;
    }
    const rest = Object.entries(record)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) =>
        `${key}=${typeof value === "string" && /\s/.test(value) ? JSON.stringify(value) : value}`
      )
      .join(" ");
    // One record is one line: a line break or escape sequence in a message (an unknown config key,
    // a server's error text) must not start a second line or reach the terminal.
    const line = `${now().toISOString()} ${level.toUpperCase()} ${message}${rest === "" ? "" : " " + rest}`;
    write(escapeControl(redact(line)));
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}
