/**
 * The local store's part for metrics and log events: `<store>/signals/metrics.jsonl` and
 * `<store>/signals/events.jsonl`, one OTLP/JSON export request per line, appended by every run (short
 * O_APPEND writes do not interleave between processes). `kodelet usage` reads events.jsonl. Each
 * file is kept under its byte limit by dropping its oldest half when a write takes it past the limit.
 */
import { join } from "node:path";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import {
  AggregationTemporality,
  type PushMetricExporter,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { JsonLogsSerializer, JsonMetricsSerializer } from "./signal_json.ts";

/** The folder inside the trace store that holds the two files. */
export const SIGNALS_DIR = "signals";
/** Metric export requests. */
export const METRICS_FILE = "metrics.jsonl";
/** Log record export requests (events and log lines). */
export const EVENTS_FILE = "events.jsonl";

async function trim(path: string, maxBytes: number): Promise<void> {
  const size = (await Deno.stat(path)).size;
  if (size <= maxBytes) return;
  const text = await Deno.readTextFile(path);
  const lines = text.split("\n").filter((line) => line !== "");
  const kept = lines.slice(Math.floor(lines.length / 2));
  const temp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temp, kept.join("\n") + "\n", { mode: 0o600 });
  await Deno.rename(temp, path);
}

/** Appends one request as a line; never throws (the local copy must not fail the run). */
async function appendLine(
  dir: string,
  file: string,
  body: Uint8Array | undefined,
  maxBytes: number,
  onWarning: (message: string) => void,
): Promise<ExportResult> {
  if (!body || body.length === 0) return { code: ExportResultCode.SUCCESS };
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, file);
    const line = new Uint8Array(body.length + 1);
    line.set(body);
    line[body.length] = 0x0a;
    await Deno.writeFile(path, line, { append: true, mode: 0o600 });
    await trim(path, maxBytes);
    return { code: ExportResultCode.SUCCESS };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    onWarning(`Could not write ${file} in the local store: ${reason}`);
    return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(reason) };
  }
}

/** Where the files go and how big they may grow. */
export interface SignalFileOptions {
  storeDir: string;
  maxBytes: number;
  onWarning: (message: string) => void;
}

/** Writes metric export requests to the local store; always delta (each line is what a run counted). */
export class MetricFileExporter implements PushMetricExporter {
  #writes: Promise<unknown> = Promise.resolve();
  constructor(private readonly options: SignalFileOptions) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const body = JsonMetricsSerializer.serializeRequest(metrics);
    const dir = join(this.options.storeDir, SIGNALS_DIR);
    const write = appendLine(dir, METRICS_FILE, body, this.options.maxBytes, this.options.onWarning);
    this.#writes = write;
    write.then(resultCallback);
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }

  async forceFlush(): Promise<void> {
    await this.#writes;
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}

/** Writes log record export requests to the local store. */
export class LogFileExporter implements LogRecordExporter {
  #writes: Promise<unknown> = Promise.resolve();
  constructor(private readonly options: SignalFileOptions) {}

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const body = JsonLogsSerializer.serializeRequest(logs);
    const dir = join(this.options.storeDir, SIGNALS_DIR);
    const write = appendLine(dir, EVENTS_FILE, body, this.options.maxBytes, this.options.onWarning);
    this.#writes = write;
    write.then(resultCallback);
  }

  async forceFlush(): Promise<void> {
    await this.#writes;
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}
