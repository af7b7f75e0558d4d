/**
 * The OpenTelemetry diag logger, wired to kodelet's logger: what the SDK says about itself (an export
 * that failed, a bad option) goes to --verbose and the log file instead of nowhere. Everything is
 * logged at debug level: a failed delivery already has its one warning line, and the SDK's own words
 * would repeat it at every run with the collector down.
 */
import { diag, type DiagLogFunction, type DiagLogger, DiagLogLevel } from "@opentelemetry/api";
import type { Logger } from "../log.ts";

/** One argument of a diag call, as text for a log field. */
function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A diag logger that hands every line to log.debug, marked with the SDK's own level. */
export function diagLoggerFor(log: Logger): DiagLogger {
  const forward = (level: string): DiagLogFunction => (message, ...args) => {
    const detail = args.map(describe).join(" ");
    log.debug(`OpenTelemetry: ${message}`, { otel_level: level, ...(detail === "" ? {} : { detail }) });
  };
  return {
    error: forward("error"),
    warn: forward("warn"),
    info: forward("info"),
    debug: forward("debug"),
    verbose: forward("verbose"),
  };
}

/** Installs the diag logger for this process; the SDK's warnings and errors reach `log`. */
export function installDiagLogger(log: Logger): void {
  diag.setLogger(diagLoggerFor(log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
