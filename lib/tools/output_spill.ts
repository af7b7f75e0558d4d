/**
 * Tool output too large for the model's answer is not lost: the whole of it is saved under
 * <base_path>/tool-output/ and the model gets the head plus the path and how to read the rest with
 * file_read or grep_tool. Old files are pruned whenever a new one is written.
 */
import { join } from "node:path";
import { truncateBytes } from "../telemetry/mod.ts";

/** How long a saved output is kept. */
export const TOOL_OUTPUT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** The most saved outputs kept; the oldest go first. */
export const TOOL_OUTPUT_MAX_FILES = 200;

const encoder = new TextEncoder();

/** A name that sorts by time and says which call it came from, safe on every filesystem. */
function fileName(toolName: string, callId: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.(\d+)Z$/, "$1Z");
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return `${stamp}-${safe(toolName)}-${safe(callId)}.txt`;
}

/** Removes saved outputs older than the retention, and the oldest beyond the file limit. */
export async function pruneToolOutput(dir: string, now: Date = new Date()): Promise<void> {
  const files: { path: string; mtime: number }[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".txt")) continue;
      const path = join(dir, entry.name);
      const info = await Deno.stat(path).catch(() => undefined);
      if (info) files.push({ path, mtime: info.mtime?.getTime() ?? 0 });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  files.sort((a, b) => b.mtime - a.mtime);
  const doomed = files.filter((file, index) =>
    index >= TOOL_OUTPUT_MAX_FILES || now.getTime() - file.mtime > TOOL_OUTPUT_RETENTION_MS
  );
  // Another kodelet may prune the same file at the same moment: a file already gone is fine.
  await Promise.all(doomed.map((file) => Deno.remove(file.path).catch(() => {})));
}

/** Saves `output` whole (readable by the user only: it may hold anything) and returns its path. */
export async function saveToolOutput(
  dir: string,
  call: { id: string; name: string },
  output: string,
  now: Date = new Date(),
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, fileName(call.name, call.id, now));
  await Deno.writeTextFile(path, output, { mode: 0o600 });
  await pruneToolOutput(dir, now);
  return path;
}

/** What the model receives instead of an output over `maxBytes`: its head, and where the rest is. */
export function spilledOutput(output: string, path: string, maxBytes: number): string {
  const lines = output.split("\n").length;
  const bytes = encoder.encode(output).length;
  const notice =
    `\n\n[Output cut: ${bytes} bytes, ${lines} lines in all. The whole output is saved at ${path}` +
    ` — read on with file_read (path, offset = the first line you want, limit) or search it with` +
    ` grep_tool (path = that file).]`;
  // Room for the notice inside the cap, so the model's answer stays within it.
  const head = truncateBytes(output, Math.max(0, maxBytes - encoder.encode(notice).length - 64));
  return head + notice;
}

/** Bytes of one call's output saved at most: a runaway command must not fill the disk. */
export const MAX_SAVED_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Saves the whole output of a tool that streams it (bash), which keeps only its head and tail in
 * memory: chunks are held until they pass `thresholdBytes` (where the tool starts cutting), then
 * all of them go to a file under `dir`. Writes are synchronous, so `push` fits a read loop; a file
 * that cannot be written is given up quietly (the tool still returns its head and tail).
 */
export class OutputSaver {
  readonly #dir: string;
  readonly #call: { id: string; name: string };
  readonly #thresholdBytes: number;
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #file: Deno.FsFile | undefined;
  #path: string | undefined;
  #written = 0;
  #total = 0;
  #newlines = 0;
  #lastByte = 10;
  #failed = false;

  constructor(dir: string, call: { id: string; name: string }, thresholdBytes: number) {
    this.#dir = dir;
    this.#call = call;
    this.#thresholdBytes = thresholdBytes;
  }

  /** Adds output bytes. */
  push(chunk: Uint8Array): void {
    this.#total += chunk.length;
    for (const byte of chunk) if (byte === 10) this.#newlines++;
    if (chunk.length > 0) this.#lastByte = chunk[chunk.length - 1] as number;
    if (this.#failed) return;
    if (this.#file !== undefined) return this.#write(chunk);
    this.#held.push(chunk.slice());
    this.#heldBytes += chunk.length;
    if (this.#heldBytes <= this.#thresholdBytes) return;
    try {
      Deno.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      this.#path = join(this.#dir, fileName(this.#call.name, this.#call.id, new Date()));
      this.#file = Deno.openSync(this.#path, { write: true, createNew: true, mode: 0o600 });
    } catch {
      this.#failed = true;
    }
    const held = this.#held;
    this.#held = [];
    if (!this.#failed) { for (const part of held) this.#write(part); }
  }

  #write(chunk: Uint8Array): void {
    let part = chunk.subarray(0, Math.max(0, MAX_SAVED_OUTPUT_BYTES - this.#written));
    try {
      while (part.length > 0) {
        const count = (this.#file as Deno.FsFile).writeSync(part);
        this.#written += count;
        part = part.subarray(count);
      }
    } catch {
      this.#failed = true;
    }
  }

  /**
   * Closes the file. The notice for the model when the output was saved (where, how big, how to read
   * it), or undefined when it fit under the threshold or could not be saved.
   */
  async finish(): Promise<string | undefined> {
    this.#held = [];
    if (this.#file === undefined) return undefined;
    this.#file.close();
    const path = this.#path as string;
    if (this.#failed) {
      await Deno.remove(path).catch(() => {});
      return undefined;
    }
    await pruneToolOutput(this.#dir).catch(() => {});
    // A last line without a newline counts too.
    const lines = this.#newlines + (this.#lastByte === 10 ? 0 : 1);
    const what = this.#written < this.#total
      ? `Its first ${this.#written} bytes (of ${this.#total}) are saved at ${path}`
      : `The whole output (${this.#total} bytes, ${lines} lines) is saved at ${path}`;
    return `[${what} — read on with file_read (path, offset = the first line you want, limit) or ` +
      `search it with grep_tool (path = that file).]`;
  }
}
