/**
 * Keeping the local trace store within its bounds (tracing.store.max_traces, max_bytes): the `file`
 * exporter runs this after it writes, so the store never grows without limit.
 */
import { listRunFiles } from "../trace_store/mod.ts";

/** Bounds of the store. */
export interface RetentionLimits {
  maxTraces: number;
  maxBytes: number;
}

/** What retention removed. */
export interface RetentionResult {
  removed: string[];
  keptFiles: number;
  keptBytes: number;
}

/**
 * Removes the oldest run files until at most `maxTraces` files and `maxBytes` bytes remain. A file
 * whose writer is still alive (it holds the file's lock) is never removed, whatever its age: removing
 * it would make that process write the rest of its trace into a file nobody can see.
 */
export async function applyRetention(storeDir: string, limits: RetentionLimits): Promise<RetentionResult> {
  const files = await listRunFiles(storeDir);
  let count = files.length;
  let bytes = files.reduce((sum, file) => sum + file.size, 0);
  const removed: string[] = [];
  for (const file of files) {
    if (count <= limits.maxTraces && bytes <= limits.maxBytes) break;
    let handle: Deno.FsFile | undefined;
    try {
      handle = await Deno.open(file.path, { read: true });
      if (!(await handle.tryLock(true))) continue;
      await Deno.remove(file.path);
      removed.push(file.path);
      count--;
      bytes -= file.size;
    } catch (error) {
      // Another process's retention got there first: it is gone either way.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      count--;
      bytes -= file.size;
    } finally {
      handle?.close();
    }
  }
  return { removed, keptFiles: count, keptBytes: bytes };
}
