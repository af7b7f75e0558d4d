/**
 * The `file` exporter: appends each batch of finished spans, as one OTLP/JSON
 * ExportTraceServiceRequest per line, to this process's own run file in the trace store.
 *
 * Why one file per process, not one shared file or one file per trace: appends from two processes to
 * one file are only atomic up to PIPE_BUF-ish sizes in practice, and a batch with captured content is
 * far bigger, so lines could interleave; a lock around every append would make one slow disk or one
 * stuck process stall every other kodelet. A file that only its creator writes needs no coordination
 * at all. The file is created with O_EXCL (a random suffix makes names unique even across containers
 * that share pids), and its creator holds a shared lock on it for life, so that other processes can
 * tell a live file (never removed by retention, its unfinished last line not reported) from a dead
 * one by failing to take an exclusive lock; shared, because on Windows an exclusive lock would also
 * stop `kodelet trace` from reading the file. The OS drops the lock when the process dies.
 *
 * Why a crash loses only what is in memory: earlier lines are never rewritten, and a line is appended
 * in full or, if the process dies mid-write, leaves a truncated last line that readers skip. After a
 * failed write the file is abandoned and the next batch starts a new one, so a partial line is never
 * followed by more data.
 */
import { join } from "node:path";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import { JsonTraceSerializer } from "./json_serializer.ts";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { concatBytes, randomHex } from "../bytes.ts";
import { writeAll } from "../files.ts";
import { RUN_FILE_SUFFIX } from "../trace_store/mod.ts";
import { applyRetention } from "./retention.ts";
import { fileStamp } from "./file_stamp.ts";

const NEWLINE = new Uint8Array([0x0a]);

/** How the exporter is set up. */
export interface FileExporterOptions {
  storeDir: string;
  maxTraces: number;
  maxBytes: number;
  /** Called with a problem worth a log line (a failed write, failed retention); never throws. */
  onWarning?: (message: string) => void;
  /** Clock for the file name; tests may fix it. */
  now?: () => Date;
  /** Retention runs after the first write and then at most this often (ms); default 10 s. */
  retentionIntervalMs?: number;
}

/** Writes finished spans to this process's run file. */
export class FileSpanExporter implements SpanExporter {
  readonly #options: FileExporterOptions;
  #file: Deno.FsFile | undefined;
  #path: string | undefined;
  #queue: Promise<void> = Promise.resolve();
  #lastRetention = -Infinity;
  #closed = false;

  constructor(options: FileExporterOptions) {
    this.#options = options;
  }

  /** The run file this process writes, once the first batch has created it. */
  get path(): string | undefined {
    return this.#path;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("the file exporter is shut down") });
      return;
    }
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("spans could not be serialised") });
      return;
    }
    // Batches are written one after the other, so lines never interleave within the file either.
    this.#queue = this.#queue.then(async () => {
      try {
        await this.#append(body);
        await this.#retentionIfDue();
        resultCallback({ code: ExportResultCode.SUCCESS });
      } catch (error) {
        this.#warn(
          `could not write spans to the trace store: ${error instanceof Error ? error.message : error}`,
        );
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    });
  }

  forceFlush(): Promise<void> {
    return this.#queue;
  }

  async shutdown(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    this.#abandon();
  }

  async #append(body: Uint8Array): Promise<void> {
    const file = this.#file ?? (await this.#create());
    // One buffer, so that the line usually reaches the file in a single write.
    const line = concatBytes([body, NEWLINE]);
    try {
      await writeAll(file, line);
    } catch (error) {
      this.#abandon();
      throw error;
    }
  }

  async #create(): Promise<Deno.FsFile> {
    const { storeDir } = this.#options;
    await Deno.mkdir(storeDir, { recursive: true, mode: 0o700 });
    const stamp = fileStamp((this.#options.now ?? (() => new Date()))());
    for (let attempt = 0;; attempt++) {
      const path = join(storeDir, `${stamp}-${Deno.pid}-${randomHex(3)}${RUN_FILE_SUFFIX}`);
      try {
        // Traces may hold captured content: readable by the user only.
        const file = await Deno.open(path, { createNew: true, append: true, mode: 0o600 });
        await file.tryLock(false);
        this.#file = file;
        this.#path = path;
        return file;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists) || attempt >= 5) throw error;
      }
    }
  }

  #abandon(): void {
    try {
      this.#file?.close();
    } catch {
      // already closed
    }
    this.#file = undefined;
  }

  async #retentionIfDue(): Promise<void> {
    const now = performance.now();
    if (now - this.#lastRetention < (this.#options.retentionIntervalMs ?? 10_000)) return;
    this.#lastRetention = now;
    try {
      await applyRetention(this.#options.storeDir, this.#options);
    } catch (error) {
      this.#warn(`could not apply trace store retention: ${error instanceof Error ? error.message : error}`);
    }
  }

  #warn(message: string): void {
    try {
      this.#options.onWarning?.(message);
    } catch {
      // a warning must never break exporting
    }
  }
}
