/**
 * The spool of metric points and log records: `<store>/spool/metrics/` and `<store>/spool/logs/`,
 * batches in the span spool's format (OTLP/JSON, see spool.ts), resent to the endpoint configured
 * now by the next run that exports to OTLP, or by the background sender (`kodelet tracing flush`).
 */
import { join } from "node:path";
import type { Config } from "../config/mod.ts";
import { configuredTarget, describeOutcome, postOtlp } from "./otlp_send.ts";
import { safeUrl } from "./redact.ts";
import { listBatches, resendBatches, SPOOL_DIR, spoolBatch } from "./spool.ts";

/** The two signals besides spans. */
export type OtherSignal = "metrics" | "logs";

/** The spool folder of a signal, inside the span spool. */
export function signalSpoolDir(config: Config, signal: OtherSignal): string {
  return join(config.tracing.storeDir, SPOOL_DIR, signal);
}

/** Keeps one undelivered OTLP/JSON request of `count` points or records; returns how many were kept. */
export async function spoolSignal(
  config: Config,
  signal: OtherSignal,
  body: Uint8Array | undefined,
  count: number,
): Promise<number> {
  if (!body || count === 0 || config.tracing.spoolMaxBytes === 0) return 0;
  // Tagged with the signal's endpoint: the batch is only ever sent there.
  const result = await spoolBatch(
    signalSpoolDir(config, signal),
    body,
    count,
    config.tracing.spoolMaxBytes,
    config[signal].url,
  );
  return result.kept;
}

/** Where the resend of a signal reports to. */
export interface ResendLog {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Sends what earlier runs spooled for one signal, as OTLP/JSON (every OTLP/HTTP receiver takes JSON,
 * whatever encoding the exporter uses). Returns why it stopped early, if it did.
 */
export async function resendSignal(
  config: Config,
  signal: OtherSignal,
  log: ResendLog,
): Promise<string | undefined> {
  const dir = signalSpoolDir(config, signal);
  const settings = config[signal];
  if ((await listBatches(dir, settings.url)).length === 0) return undefined;
  const target = { ...configuredTarget(config.tracing.otlp, settings.url), headers: settings.headers };
  const result = await resendBatches(
    dir,
    settings.url,
    (body) => postOtlp(target, { body, contentType: "application/json" }),
  );
  // An emptied signal spool leaves no folder behind (Deno.remove refuses a folder that is not empty).
  if (result.remainingBatches === 0) await Deno.remove(dir).catch(() => {});
  const what = signal === "metrics" ? "metric points" : "log records";
  if (result.sentSpans > 0) {
    log.info(`Sent ${result.sentSpans} ${what} of earlier runs from the spool to ${safeUrl(settings.url)}`);
  }
  if (result.rejectedSpans > 0) {
    log.warn(`Dropped ${result.rejectedSpans} spooled ${what} that ${safeUrl(settings.url)} refused`);
  }
  return result.stoppedBy
    ? `${safeUrl(settings.url)}: ${describeOutcome(result.stoppedBy, config.tracing.otlp.timeoutMs)}`
    : undefined;
}
