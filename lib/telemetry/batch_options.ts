/**
 * A batch processor's options from tracing.batch, which spans and log records share. Type-only
 * imports: the tracing runtime loads this file at start.
 */
import type { TracingConfig } from "../config/mod.ts";

/** The options of a BatchSpanProcessor or a BatchLogRecordProcessor. */
export function batchOptions(batch: TracingConfig["batch"]) {
  return {
    scheduledDelayMillis: batch.scheduleDelayMs,
    exportTimeoutMillis: batch.exportTimeoutMs,
    maxQueueSize: batch.maxQueueSize,
    // A batch may not be larger than the queue it is taken from.
    maxExportBatchSize: Math.min(batch.maxExportBatchSize, batch.maxQueueSize),
  };
}
