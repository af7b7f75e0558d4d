/**
 * The spool: batches the OTLP endpoint did not get before a run's shutdown bound, kept on disk and
 * sent, oldest first, by a later run.
 *
 * Layout of `<store>/spool/`:
 *   20250102T100000123Z-4242-000001-9f3a1c-17-e0123456789abcdef.json
 *       one batch, an OTLP/JSON ExportTraceServiceRequest; the name is its time, the pid and sequence
 *       number of the process that wrote it, a random part, how many spans it holds (17), and the tag
 *       of the endpoint it was meant for (a hash of its origin and path): a batch is only ever sent
 *       there, never to whatever endpoint a later run has configured. Batches of older versions have
 *       no tag; their destination is unknown, so they are never sent.
 *   dropped.log
 *       one JSON line per batch that was dropped (spool full, or refused for good), with its span count
 *
 * A batch holds its spans as the spool's redactor left them (known secrets, positions, kodelet's own
 * patterns; see setup.ts); secretlint's rules scan them when they are sent (resend, tracing_deps.ts).
 *
 * A batch file appears whole or not at all (written under a temporary name, then renamed). A sender
 * claims a batch with a non-blocking flock and deletes it, still holding the lock, once the endpoint
 * accepted it, so two kodelet processes starting together never send the same batch, and the lock of
 * a process that dies mid-send is released by the OS instead of leaving a claim nobody owns. The only
 * way a span is sent twice is a crash between the endpoint's answer and the delete.
 */
import { join } from "node:path";
import { concatBytes, randomHex, sha256Hex } from "../bytes.ts";
import { listFilesSync } from "../files.ts";
import { OtlpShapeError } from "../trace_store/mod.ts";
import { fileStamp } from "./file_stamp.ts";
import { isRetryable, type SendOutcome } from "./otlp_send.ts";

/** The spool's folder inside the trace store. */
export const SPOOL_DIR = "spool";

const BATCH = /^\d{8}T\d{9}Z-\d+-\d{6}-[0-9a-f]+-(\d+)(?:-e([0-9a-f]{16}))?\.json$/;
const DROPPED_LOG = "dropped.log";
const TEMP_SUFFIX = ".tmp";
/** Temporary files older than this are leftovers of a crash. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** One batch waiting in the spool. */
export interface SpoolBatch {
  name: string;
  path: string;
  spans: number;
  bytes: number;
  /** The tag of the endpoint it was meant for; undefined for batches of older versions. */
  endpoint: string | undefined;
}

/**
 * The tag of an endpoint: its origin and path (no credentials, query or fragment), hashed. Async:
 * Web Crypto, since loading node:crypto alone would cost every traced run ~7 ms at exit.
 */
export async function endpointTag(tracesUrl: string): Promise<string> {
  let key = tracesUrl;
  try {
    const url = new URL(tracesUrl);
    key = `${url.origin}${url.pathname}`;
  } catch {
    // not a URL: the text itself identifies it
  }
  return (await sha256Hex(key)).slice(0, 16);
}

/** What happened to a batch handed to the spool. */
export interface SpoolWriteResult {
  /** Spans now in the spool. */
  kept: number;
  /** Spans dropped because the spool is full. */
  dropped: number;
  /** Bytes in the spool before this batch, for the message that explains a drop. */
  spoolBytes: number;
}

/** The spool at a glance (for `tracing check`). */
export interface SpoolStatus {
  batches: number;
  spans: number;
  bytes: number;
  /** Spans dropped in the last day: past the size cap, or refused for good by the endpoint. */
  droppedSpans: number;
}

/** What a resend did. */
export interface ResendResult {
  sentBatches: number;
  sentSpans: number;
  /** Spans the endpoint refused for good (e.g. HTTP 400) or that could not be read; dropped and counted. */
  rejectedSpans: number;
  /** Batches left for a later run. */
  remainingBatches: number;
  /** Why sending stopped early (the endpoint is still unreachable, or refuses our credentials). */
  stoppedBy: SendOutcome | undefined;
}

/** Sends one batch (OTLP/JSON bytes) and reports the outcome; may throw OtlpShapeError for a bad batch. */
export type BatchSender = (json: Uint8Array) => Promise<SendOutcome>;

/** Batches in the spool, oldest first; with an endpoint, only the ones meant for it. */
export async function listBatches(spoolDir: string, endpoint?: string): Promise<SpoolBatch[]> {
  const tag = endpoint === undefined ? undefined : await endpointTag(endpoint);
  // The spool holds few, small files: listing them without the I/O threads is much quicker, and the
  // exit of a traced command waits for it (spoolBatch).
  const files = listFilesSync(spoolDir, (name) => BATCH.test(name));
  return files.map((file) => {
    const match = BATCH.exec(file.name);
    return {
      name: file.name,
      path: file.path,
      spans: Number(match?.[1]),
      bytes: file.size,
      endpoint: match?.[2],
    };
  }).filter((batch) => tag === undefined || batch.endpoint === tag);
}

/** dropped.log is cut back to its newest half when it grows past this. */
const DROPPED_LOG_MAX_BYTES = 64 * 1024;
/** `tracing check` reports the drops of this last stretch of time, not every drop ever. */
export const DROPS_REPORTED_MS = 24 * 60 * 60 * 1000;

async function recordDropped(spoolDir: string, spans: number, reason: string, now: Date): Promise<void> {
  const path = join(spoolDir, DROPPED_LOG);
  const line = JSON.stringify({ time: now.toISOString(), spans, reason }) + "\n";
  // Short O_APPEND writes are atomic, so concurrent processes never mix their lines.
  await Deno.writeTextFile(path, line, { append: true, mode: 0o600 });
  const { size } = await Deno.stat(path);
  if (size <= DROPPED_LOG_MAX_BYTES) return;
  // Keep the newest whole lines; written aside and renamed, so a reader never sees half a file.
  const text = await Deno.readTextFile(path);
  const tail = text.slice(text.length - DROPPED_LOG_MAX_BYTES / 2);
  const temp = `${path}.${Deno.pid}${TEMP_SUFFIX}`;
  await Deno.writeTextFile(temp, tail.slice(tail.indexOf("\n") + 1), { mode: 0o600 });
  await Deno.rename(temp, path);
}

/** Orders the batches of one process written within the same millisecond. */
let sequence = 0;

/**
 * Keeps one undelivered batch (OTLP/JSON) meant for `endpoint` for the next run, unless that would
 * take the spool past `maxBytes`: then the batch is dropped (what is already waiting is older and goes
 * first) and counted.
 */
export async function spoolBatch(
  spoolDir: string,
  json: Uint8Array,
  spanCount: number,
  maxBytes: number,
  endpoint: string,
  now: Date = new Date(),
): Promise<SpoolWriteResult> {
  // Synchronous calls: the command is done and waits for this; see listBatches.
  Deno.mkdirSync(spoolDir, { recursive: true, mode: 0o700 });
  const spoolBytes = (await listBatches(spoolDir)).reduce((sum, batch) => sum + batch.bytes, 0);
  if (spoolBytes + json.length > maxBytes) {
    await recordDropped(spoolDir, spanCount, `spool full (${spoolBytes} of ${maxBytes} bytes used)`, now);
    return { kept: 0, dropped: spanCount, spoolBytes };
  }
  sequence = (sequence + 1) % 1_000_000;
  const tag = await endpointTag(endpoint);
  const name = `${fileStamp(now)}-${Deno.pid}-${String(sequence).padStart(6, "0")}-${
    randomHex(3)
  }-${spanCount}-e${tag}.json`;
  const temp = join(spoolDir, name + TEMP_SUFFIX);
  Deno.writeFileSync(temp, json, { createNew: true, mode: 0o600 });
  Deno.renameSync(temp, join(spoolDir, name));
  return { kept: spanCount, dropped: 0, spoolBytes };
}

/** How full the spool is, and how much it dropped in the last DROPS_REPORTED_MS. */
export async function spoolStatus(spoolDir: string, now: Date = new Date()): Promise<SpoolStatus> {
  const batches = await listBatches(spoolDir);
  let droppedSpans = 0;
  try {
    for (const line of (await Deno.readTextFile(join(spoolDir, DROPPED_LOG))).split("\n")) {
      try {
        const record: unknown = JSON.parse(line);
        if (
          typeof record === "object" && record !== null && "spans" in record &&
          typeof record.spans === "number" && "time" in record && typeof record.time === "string" &&
          now.getTime() - Date.parse(record.time) <= DROPS_REPORTED_MS
        ) {
          droppedSpans += record.spans;
        }
      } catch {
        // an empty or half-written line
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return {
    batches: batches.length,
    spans: batches.reduce((sum, batch) => sum + batch.spans, 0),
    bytes: batches.reduce((sum, batch) => sum + batch.bytes, 0),
    droppedSpans,
  };
}

async function removeStaleTemps(spoolDir: string, now: Date): Promise<void> {
  try {
    for await (const entry of Deno.readDir(spoolDir)) {
      if (!entry.isFile || !entry.name.endsWith(TEMP_SUFFIX)) continue;
      const path = join(spoolDir, entry.name);
      const info = await Deno.stat(path).catch(() => undefined);
      if (info?.mtime && now.getTime() - info.mtime.getTime() > STALE_TEMP_MS) {
        await Deno.remove(path).catch(() => {});
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = new Uint8Array(64 * 1024);
    const read = await file.read(chunk);
    if (read === null) break;
    chunks.push(chunk.subarray(0, read));
  }
  return concatBytes(chunks);
}

/** Whether the path still names the file we opened (another sender may have deleted it meanwhile). */
async function stillThere(path: string, handle: Deno.FsFile): Promise<boolean> {
  try {
    const [byPath, byHandle] = await Promise.all([Deno.stat(path), handle.stat()]);
    return byPath.ino === null || byHandle.ino === null || byPath.ino === byHandle.ino;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Sends the spool's batches oldest first, one at a time, deleting each once delivered. Stops at the
 * first failure that a later attempt could cure (the endpoint is down, or refuses our credentials),
 * leaving that batch and the newer ones in place; a batch the endpoint refuses for good, or that
 * cannot be read, is dropped and counted so that it cannot block the queue forever.
 */
export async function resendBatches(
  spoolDir: string,
  endpoint: string,
  send: BatchSender,
  now: () => Date = () => new Date(),
): Promise<ResendResult> {
  await removeStaleTemps(spoolDir, now());
  const result: ResendResult = {
    sentBatches: 0,
    sentSpans: 0,
    rejectedSpans: 0,
    remainingBatches: 0,
    stoppedBy: undefined,
  };
  // Only what was meant for this endpoint: spans spooled for another one never go here.
  const batches = await listBatches(spoolDir, endpoint);
  for (const [index, batch] of batches.entries()) {
    let handle: Deno.FsFile | undefined;
    try {
      handle = await Deno.open(batch.path, { read: true });
      // Another process is sending this one right now.
      if (!(await handle.tryLock(true))) continue;
      if (!(await stillThere(batch.path, handle))) continue;
      let outcome: SendOutcome | undefined;
      try {
        // Read through the locked handle: on Windows the lock keeps other handles from reading.
        outcome = await send(await readAll(handle));
      } catch (error) {
        if (!(error instanceof OtlpShapeError)) throw error;
      }
      if (outcome?.kind === "delivered") {
        await Deno.remove(batch.path);
        result.sentBatches++;
        result.sentSpans += batch.spans;
      } else if (outcome === undefined || !isRetryable(outcome)) {
        const reason = outcome?.kind === "http"
          ? `refused by the endpoint (HTTP ${outcome.status})`
          : "unreadable batch";
        await Deno.remove(batch.path);
        await recordDropped(spoolDir, batch.spans, reason, now());
        result.rejectedSpans += batch.spans;
      } else {
        result.stoppedBy = outcome;
        result.remainingBatches = batches.length - index;
        break;
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    } finally {
      handle?.close();
    }
  }
  return result;
}
