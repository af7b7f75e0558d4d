/**
 * File helpers the file tools share: resolving the model's paths, binary sniffing, and the atomic
 * write (temp file in the same directory, fsync, rename) that keeps the file's mode.
 */
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { writeAll } from "../files.ts";

/** Resolves a path the model gave (relative to cwd, or absolute). */
export function resolvePath(cwd: string, path: string): string {
  return resolve(cwd, path);
}

/** A path as the model should see it: relative to cwd when inside it, absolute otherwise. */
export function displayPath(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}

/** How much of a file's start decides whether it is text. */
export const SNIFF_BYTES = 8 * 1024;

/** Whether bytes look binary: a NUL byte, or not valid UTF-8 (a character cut at the end is fine). */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return true;
  try {
    // stream: true tolerates a multi-byte character split at the end of the sample.
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** The state file_edit compares against: what the FileReadTracker stores. */
export async function fileState(path: string): Promise<{ mtimeMs: number; size: number }> {
  const info = await Deno.stat(path);
  return { mtimeMs: info.mtime?.getTime() ?? 0, size: info.size };
}

/** Whether a path exists, without following a missing target into an exception. */
export async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Replaces a file's content atomically: a reader (or a crash at any point) sees either the old or
 * the new content, never a mix. The temp file lives in the same directory so that rename() does not
 * cross file systems; the existing mode is kept; a symlink is written through to its target.
 */
export async function atomicWrite(path: string, data: Uint8Array): Promise<{ created: boolean }> {
  let target = path;
  let mode = 0o644;
  let created = true;
  const existing = await statOrUndefined(path);
  if (existing) {
    if (existing.isDirectory) throw new Deno.errors.IsADirectory(`${path} is a directory`);
    target = await Deno.realPath(path);
    mode = (existing.mode ?? 0o644) & 0o7777;
    created = false;
  } else {
    await Deno.mkdir(dirname(path), { recursive: true });
  }
  const suffix = crypto.randomUUID().slice(0, 8);
  const temp = `${dirname(target)}/.${basename(target)}.kodelet-${suffix}.tmp`;
  const file = await Deno.open(temp, { write: true, createNew: true, mode });
  try {
    try {
      await writeAll(file, data);
      // The umask may have narrowed the mode given to open().
      await Deno.chmod(temp, mode);
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temp, target);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  return { created };
}

const locks = new Map<string, Promise<unknown>>();

/** Runs fn while no other fn holds the same path (in this process); calls queue in order. */
export function withPathLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(path) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => {});
  locks.set(path, settled);
  // Forget the path once nobody is queued behind this call, so the map does not grow.
  void settled.then(() => {
    if (locks.get(path) === settled) locks.delete(path);
  });
  return run;
}
