/**
 * The local trace store, read side: traces kept on disk as OTLP/JSON lines (written by telemetry's
 * `file` exporter) so that a user without any collector can still see where a run spent its time and
 * tokens. This folder reads run files, decodes OTLP/JSON, and sums a trace up; drawing it is the
 * commands' job (lib/cli/), writing and sending it is telemetry's (lib/telemetry/).
 */
export {
  type AttributeMap,
  attributeMap,
  type AttributeValue,
  exportRequestOf,
  OtlpShapeError,
  parseRequest,
  STATUS,
  type StoredSpan,
} from "./otlp_json.ts";
export {
  findTrace,
  groupTraces,
  listRunFiles,
  type LoadResult,
  loadTraces,
  readRunFile,
  RUN_FILE_SUFFIX,
  type RunFile,
  type StoredTrace,
  type TraceLookup,
} from "./store.ts";
export {
  isChatSpan,
  isToolSpan,
  numberAttribute,
  rootSpans,
  summarize,
  type TraceSummary,
} from "./summary.ts";
export {
  percentile,
  readUsageEvents,
  type UsageEvent,
  type UsageGrouping,
  usageReport,
  type UsageRow,
} from "./usage.ts";
