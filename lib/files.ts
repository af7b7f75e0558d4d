/** File helpers several folders need, written once. */
import { join } from "node:path";

/** A file found by listFiles. */
export interface ListedFile {
  name: string;
  path: string;
  size: number;
}

/**
 * The files of dir whose names `accept` takes, sorted by name; none when dir does not exist. A file
 * removed by another process between the listing and its stat is left out, not an error.
 */
export async function listFiles(dir: string, accept: (name: string) => boolean): Promise<ListedFile[]> {
  const files: ListedFile[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !accept(entry.name)) continue;
      const path = join(dir, entry.name);
      try {
        files.push({ name: entry.name, path, size: (await Deno.stat(path)).size });
      } catch (error) {
        goneIsNothing(error);
      }
    }
  } catch (error) {
    goneIsNothing(error);
  }
  return files.sort(byName);
}

/**
 * listFiles without the round trips to Deno's I/O threads, which cost more than the work itself for
 * the few small files of a folder like the spool; for the exit path, where nothing else waits to run.
 */
export function listFilesSync(dir: string, accept: (name: string) => boolean): ListedFile[] {
  const files: ListedFile[] = [];
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (!entry.isFile || !accept(entry.name)) continue;
      const path = join(dir, entry.name);
      try {
        files.push({ name: entry.name, path, size: Deno.statSync(path).size });
      } catch (error) {
        goneIsNothing(error);
      }
    }
  } catch (error) {
    goneIsNothing(error);
  }
  return files.sort(byName);
}

/** Rethrows anything but "not found": a folder or file that is gone is simply not listed. */
function goneIsNothing(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}

function byName(a: ListedFile, b: ListedFile): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Writes all of data: one write() may take only part of it. */
export async function writeAll(
  file: { write(data: Uint8Array): Promise<number> },
  data: Uint8Array,
): Promise<void> {
  let written = 0;
  while (written < data.length) written += await file.write(data.subarray(written));
}

/** Writes all of data synchronously (terminal output, so that lines never interleave mid-way). */
export function writeAllSync(file: { writeSync(data: Uint8Array): number }, data: Uint8Array): void {
  let written = 0;
  while (written < data.length) written += file.writeSync(data.subarray(written));
}
