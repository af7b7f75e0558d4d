/**
 * `kodelet trace list|show|export`: the local trace store from the terminal. Reading and drawing are
 * light and imported here; the OpenTelemetry encoders `export` needs are loaded only when it runs.
 */
import { httpUrl, tracesUrlFromBase } from "../config/mod.ts";
import { UsageError, UserFacingError } from "../errors.ts";
import { configuredTarget, describeOutcome, safeUrl, sendStoredSpans } from "../telemetry/mod.ts";
import {
  exportRequestOf,
  findTrace,
  loadTraces,
  type StoredTrace,
  summarize,
  type TraceSummary,
} from "../trace_store/mod.ts";
import { limitFlag } from "./parse.ts";
import type { Command, CommandContext } from "./command.ts";

const DEFAULT_LIMIT = 20;

/** Traces of the commands that read traces; "last" and the list skip them so they do not bury the run one asked about. */
function isInspection(summary: TraceSummary): boolean {
  return /^(trace|tracing)( |$)/.test(summary.command);
}

async function readStore(context: CommandContext): Promise<StoredTrace[]> {
  const { traces, warnings } = await loadTraces(context.config.tracing.storeDir);
  for (const warning of warnings) context.io.stderr(`kodelet: warning: ${warning}\n`);
  return traces;
}

function noTracesHint(storeDir: string): string {
  return `No traces in ${storeDir} yet. Runs are stored here when tracing is on with the file exporter: ` +
    "KODELET_TRACING_ENABLED=true (the default exporter without an endpoint), or tracing.exporter: otlp,file.";
}

/** One trace by id, id prefix or "last"; a usage error when it is not there. */
async function chooseTrace(context: CommandContext, query: string): Promise<StoredTrace> {
  const storeDir = context.config.tracing.storeDir;
  const traces = await readStore(context);
  const candidates = query.trim().toLowerCase() === "last"
    ? traces.filter((trace) => !isInspection(summarize(trace)))
    : traces;
  const found = findTrace(candidates, query);
  if (found.kind === "found") return found.trace;
  if (found.kind === "ambiguous") {
    // Longer than the table's 8 characters, so that the ids shown tell the matches apart.
    const some = found.traceIds.slice(0, 3).map((id) => id.slice(0, 12)).join(", ");
    throw new UsageError(
      `Trace id "${query}" matches ${found.traceIds.length} traces (${some}, ...): give more of it`,
    );
  }
  if (candidates.length === 0) throw new UserFacingError(noTracesHint(storeDir));
  throw new UserFacingError(`No trace "${query}" in ${storeDir}: see "kodelet trace list"`);
}

function summaryJson(summary: TraceSummary) {
  return {
    traceId: summary.traceId,
    startTime: new Date(summary.startMs).toISOString(),
    durationMs: Math.round(summary.durationMs * 1000) / 1000,
    command: summary.command,
    status: summary.status,
    spans: summary.spanCount,
    failedSpans: summary.errorCount,
    llmCalls: summary.llmCalls,
    toolCalls: summary.toolCalls,
    inputTokens: summary.inputTokens,
    outputTokens: summary.outputTokens,
    costUsd: summary.costUsd ?? null,
  };
}

/** `kodelet trace list`. */
export const traceListCommand: Command = {
  path: ["trace", "list"],
  summary:
    "recent traces in the local store: time, command, duration, status, LLM and tool calls, tokens, cost",
  usage: "",
  flags: [
    { name: "json", type: "boolean", description: "print JSON" },
    { name: "limit", type: "string", description: `how many (default ${DEFAULT_LIMIT})` },
    { name: "all", type: "boolean", description: "include the traces of trace and tracing commands" },
  ],
  args: { min: 0, max: 0 },
  async run(context) {
    const limit = limitFlag(context.args.flags.limit, DEFAULT_LIMIT);
    const traces = await readStore(context);
    const summaries = traces.map(summarize)
      .filter((summary) => context.args.flags.all === true || !isInspection(summary))
      .slice(0, limit);
    if (context.args.flags.json === true) {
      context.io.stdout(JSON.stringify(summaries.map(summaryJson), null, 2) + "\n");
    } else if (summaries.length === 0) {
      context.io.stdout(noTracesHint(context.config.tracing.storeDir) + "\n");
    } else {
      // The table and the waterfall measure text in terminal columns, which costs ~30 ms to set up.
      const { formatTraceTable } = await import("./trace_table.ts");
      context.io.stdout(formatTraceTable(summaries, { width: context.io.columns, color: context.io.color }));
    }
    return 0;
  },
};

/** `kodelet trace show [ID|last]`. */
export const traceShowCommand: Command = {
  path: ["trace", "show"],
  summary: "a stored trace as a waterfall (--json: as OTLP/JSON)",
  usage: "[ID|last]",
  flags: [{
    name: "json",
    type: "boolean",
    description: "print the trace as OTLP/JSON (one ExportTraceServiceRequest)",
  }],
  args: { min: 0, max: 1 },
  async run(context) {
    const trace = await chooseTrace(context, context.args.positionals[0] ?? "last");
    if (context.args.flags.json === true) {
      // One line: the form the collector's otlpjsonfile receiver and `curl --data @-` both take.
      context.io.stdout(JSON.stringify(exportRequestOf(trace.spans)) + "\n");
    } else {
      const { renderWaterfall } = await import("./trace_viewer.ts");
      context.io.stdout(renderWaterfall(trace, { width: context.io.columns, color: context.io.color }));
    }
    return 0;
  },
};

/** The traces URL for --endpoint: a base URL gets /v1/traces, as OTEL_EXPORTER_OTLP_ENDPOINT does. */
function tracesUrlOf(endpoint: string): string {
  try {
    httpUrl(endpoint);
  } catch (error) {
    throw new UsageError(
      `Invalid --endpoint "${endpoint}" (from the command line): ${(error as Error).message}`,
    );
  }
  return /\/v1\/traces\/?$/.test(new URL(endpoint).pathname) ? endpoint : tracesUrlFromBase(endpoint);
}

/** `kodelet trace export ID --endpoint URL`. */
export const traceExportCommand: Command = {
  path: ["trace", "export"],
  summary: "send a stored trace to an OTLP/HTTP endpoint",
  usage: "<ID|last>",
  flags: [{
    name: "endpoint",
    type: "string",
    description: "OTLP base URL (/v1/traces is appended) or full traces URL; default: the configured one",
  }],
  args: { min: 1, max: 1 },
  async run(context) {
    const otlp = context.config.tracing.otlp;
    const endpoint = context.args.flags.endpoint;
    let url: string;
    if (typeof endpoint === "string") {
      url = tracesUrlOf(endpoint);
    } else if (context.config.tracing.endpointConfigured) {
      url = otlp.tracesUrl;
    } else {
      throw new UsageError(
        `Missing --endpoint URL for "kodelet trace export" (no OTLP endpoint is configured)`,
      );
    }

    const trace = await chooseTrace(context, context.args.positionals[0] ?? "last");
    // The configured headers carry credentials for the configured endpoint: they go to another
    // host only when no endpoint is configured (headers set just for this export).
    const sameOrigin = new URL(url).origin === new URL(otlp.tracesUrl).origin;
    const target = configuredTarget(otlp, url);
    if (context.config.tracing.endpointConfigured && !sameOrigin && Object.keys(otlp.headers).length > 0) {
      target.headers = {};
      context.io.stderr(
        `kodelet: not sending the configured OTLP headers to ${new URL(url).origin}: ` +
          `they belong to ${new URL(otlp.tracesUrl).origin}\n`,
      );
    }
    const outcome = await sendStoredSpans(target, trace.spans, otlp.protocol, { signal: context.signal });
    const spans = `${trace.spans.length} span${trace.spans.length === 1 ? "" : "s"}`;
    if (outcome.kind !== "delivered") {
      throw new UserFacingError(
        `Could not send trace ${trace.traceId} to ${safeUrl(url)}: ${
          describeOutcome(outcome, otlp.timeoutMs)
        } ` +
          `(run "kodelet tracing check" for what to change)`,
      );
    }
    context.io.stdout(
      `Sent trace ${trace.traceId} (${spans}, ${otlp.protocol}) to ${safeUrl(url)} in ${
        Math.round(outcome.ms)
      } ms.\n`,
    );
    return 0;
  },
};
