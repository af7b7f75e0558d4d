/**
 * The local trace store: traces kept on disk as OTLP/JSON lines so that a user without any collector
 * can still see where a run spent its time and tokens. This face exports the light parts (reading,
 * summaries, the list table and the waterfall); the parts that load the OpenTelemetry SDK are
 * imported dynamically by who needs them: file_exporter.ts (the `file` exporter), encode.ts (request
 * bodies), check.ts (`tracing check`), and deps.ts wires the exporter and the spool into tracing.
 */
export {
  type AttributeMap,
  type AttributeValue,
  exportRequestOf,
  parseRequest,
  type StoredSpan,
} from "./otlp_json.ts";
export {
  applyRetention,
  findTrace,
  groupTraces,
  listRunFiles,
  type LoadResult,
  loadTraces,
  readRunFile,
  type RetentionLimits,
  type RunFile,
  SPOOL_DIR,
  type StoredTrace,
  type TraceLookup,
} from "./store.ts";
export { summarize, type TraceSummary } from "./summary.ts";
export { formatTraceTable, SHORT_ID_LENGTH, type TableOptions } from "./list_table.ts";
export { renderWaterfall, type WaterfallOptions } from "./viewer.ts";
export { listBatches, type SpoolStatus, spoolStatus } from "./spool.ts";
export { configuredTarget, describeOutcome, type SendOutcome, shownUrl } from "./otlp_send.ts";
