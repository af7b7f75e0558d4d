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
