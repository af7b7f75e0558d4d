/** Shapes shared by the telemetry facade (mod.ts) and the dynamically loaded runtime (setup.ts). */
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Config } from "../config/mod.ts";
import type { Logger } from "../log.ts";

/** What the tracing runtime needs from outside: where to print, and the optional local store. */
export interface TracingDeps {
  /** Writes one line to stderr (console exporter). */
  writeErr: (line: string) => void;
  /** Where the SDK's own warnings and errors go (the diag logger), at debug level. */
  log?: Logger;
  /** Builds the `file` exporter (the local trace store); absent means `file` exports nothing. */
  fileExporter?: (config: Config) => Promise<SpanExporter>;
  /** Keeps undelivered spans for the next start; returns how many were kept. */
  spool?: (spans: ReadableSpan[]) => Promise<number>;
  /**
   * Sends what earlier runs left in the spool, in the background; started with tracing, and given
   * only what is left of the shutdown bound when the command ends.
   */
  resendSpool?: () => Promise<void>;
  /** Warnings and notes of the metric and log runtimes (local store, spool). */
  warn?: (message: string) => void;
  info?: (message: string) => void;
  /**
   * Starts a detached, short-lived kodelet that sends the spool and exits (tracing.delivery =
   * background); returns why the previous one could not deliver, if it could not.
   */
  sendInBackground?: () => Promise<string | undefined>;
}

/** The outcome of the bounded shutdown. */
export interface DeliveryReport {
  /** What was counted: "span" (absent), "metric point", "log record". */
  what?: string;
  undelivered: number;
  /** Where the undelivered ones were meant to go, as it may be shown; "" when there are none. */
  destination: string;
  reason: string;
  spooled: number;
  /** The other signals' reports (metric points, log records), when they export to OTLP. */
  others?: DeliveryReport[];
  /** Spooled spans that a background kodelet is now sending: not news, unless it failed last time. */
  background?: boolean;
  /** Why the last background send could not deliver, when it could not. */
  backgroundFailure?: string;
}

/** A started tracing runtime. */
export interface TracingRuntime {
  /** The context the root span starts in (carries TRACEPARENT's trace when one was given). */
  parentContext: Context;
  /** Flushes (or hands to the background sender) and reports what could not be delivered. */
  shutdown(): Promise<DeliveryReport>;
}
