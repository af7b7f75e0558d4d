/**
 * Reading the local trace store (telemetry/retention.ts keeps it within its bounds).
 *
 * Layout of `<base_path>/traces/`:
 *   20250102T100000123Z-4242-9f3a1c.jsonl   one "run file" per kodelet process (telemetry/file_exporter.ts),
 *                                           one OTLP/JSON ExportTraceServiceRequest per line
 *   spool/                                  batches the OTLP endpoint did not get (telemetry/spool.ts)
 *
 * A run file holds the spans of one command invocation, which is one trace (a kodelet started under
 * another kodelet's TRACEPARENT adds its own file to the same trace), so traces are found by reading
 * every run file and grouping spans by trace id, and retention counts run files.
 */
import { listFiles } from "../files.ts";
import { parseRequest, type StoredSpan } from "./otlp_json.ts";

/** Run files end with this. */
export const RUN_FILE_SUFFIX = ".jsonl";

/** One run file on disk. */
export interface RunFile {
  name: string;
  path: string;
  size: number;
}

/** One trace: every stored span with this trace id, in start order. */
export interface StoredTrace {
  traceId: string;
  spans: StoredSpan[];
  startNs: bigint;
  endNs: bigint;
}

/** Spans read from the store, and what could not be read, in words for the user. */
export interface ReadResult {
  spans: StoredSpan[];
  warnings: string[];
}

/** Traces read from the store, newest first. */
export interface LoadResult {
  traces: StoredTrace[];
  warnings: string[];
}

/** Run files of the store, oldest first (names start with their creation time); none if no store. */
export function listRunFiles(storeDir: string): Promise<RunFile[]> {
  // A file removed by another process's retention between the listing and its stat is left out.
  return listFiles(storeDir, (name) => name.endsWith(RUN_FILE_SUFFIX));
}

/** Whether a live process holds the file's writer lock (it is being written right now). */
async function isBeingWritten(path: string): Promise<boolean> {
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path, { read: true });
    // The writer holds a shared lock for life (telemetry/file_exporter.ts): an exclusive one fails meanwhile.
    return !(await file.tryLock(true));
  } catch {
    return false;
  } finally {
    file?.close();
  }
}

/**
 * Reads one run file. A last line without its newline is what a process killed mid-write leaves: it
 * is skipped with a warning (silently while its writer is still alive and simply not done yet). Any
 * other unreadable line is skipped with a warning too; nothing stops the rest from being read.
 */
export async function readRunFile(path: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { spans: [], warnings: [] };
    throw error;
  }
  const spans: StoredSpan[] = [];
  const warnings: string[] = [];
  const lines = text.split("\n");
  const unterminated = lines.pop() ?? "";
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      spans.push(...parseRequest(line));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      warnings.push(`skipped unreadable line ${index + 1} of ${path}: ${reason}`);
    }
  });
  if (unterminated.trim() !== "" && !(await isBeingWritten(path))) {
    warnings.push(
      `skipped a truncated last line in ${path} (${unterminated.length} bytes; the process writing it was ` +
        "probably killed)",
    );
  }
  return { spans, warnings };
}

/** Groups spans into traces (dropping repeats of the same span), newest trace first. */
export function groupTraces(spans: readonly StoredSpan[]): StoredTrace[] {
  const byTrace = new Map<string, Map<string, StoredSpan>>();
  for (const span of spans) {
    const traceSpans = byTrace.get(span.traceId) ?? new Map<string, StoredSpan>();
    if (!traceSpans.has(span.spanId)) traceSpans.set(span.spanId, span);
    byTrace.set(span.traceId, traceSpans);
  }
  const traces: StoredTrace[] = [];
  for (const [traceId, traceSpans] of byTrace) {
    const sorted = [...traceSpans.values()].sort((a, b) => compareBigInt(a.startNs, b.startNs));
    const first = sorted[0];
    if (!first) continue;
    let endNs = first.endNs;
    for (const span of sorted) if (span.endNs > endNs) endNs = span.endNs;
    traces.push({ traceId, spans: sorted, startNs: first.startNs, endNs });
  }
  return traces.sort((a, b) => compareBigInt(b.startNs, a.startNs) || (a.traceId < b.traceId ? -1 : 1));
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads every run file of the store and returns its traces, newest first. */
export async function loadTraces(storeDir: string): Promise<LoadResult> {
  const spans: StoredSpan[] = [];
  const warnings: string[] = [];
  for (const file of await listRunFiles(storeDir)) {
    const result = await readRunFile(file.path);
    spans.push(...result.spans);
    warnings.push(...result.warnings);
  }
  return { traces: groupTraces(spans), warnings };
}

/** The answer to "which trace does the user mean?". */
export type TraceLookup =
  | { kind: "found"; trace: StoredTrace }
  | { kind: "missing" }
  | { kind: "ambiguous"; traceIds: string[] };

/** Finds a trace by "last", its full id, or a unique prefix of it (as `trace list` shows them). */
export function findTrace(traces: readonly StoredTrace[], query: string): TraceLookup {
  const wanted = query.trim().toLowerCase();
  if (wanted === "last") {
    const newest = traces[0];
    return newest ? { kind: "found", trace: newest } : { kind: "missing" };
  }
  if (wanted === "") return { kind: "missing" };
  const exact = traces.find((trace) => trace.traceId === wanted);
  if (exact) return { kind: "found", trace: exact };
  const matches = traces.filter((trace) => trace.traceId.startsWith(wanted));
  const [only] = matches;
  if (matches.length === 1 && only) return { kind: "found", trace: only };
  if (matches.length > 1) return { kind: "ambiguous", traceIds: matches.map((trace) => trace.traceId) };
  return { kind: "missing" };
}
