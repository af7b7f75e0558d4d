/**
 * The glob_tool: finds files by a glob pattern, honouring .gitignore, newest first, capped. The
 * walk starts at the pattern's literal prefix and stops at the depth the pattern can reach.
 */
import { join } from "node:path";
import * as z from "zod/mini";
import { KODELET } from "../telemetry/mod.ts";
import { displayPath, resolvePath, statOrUndefined } from "./_fs.ts";
import { walkFiles, yielder } from "./_walk.ts";
import { globToRegExp } from "./gitignore.ts";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** Files listed when the model gives no max_results. */
export const DEFAULT_MAX_FILES = 100;

/** The glob_tool's parameters. */
export const globParameters = z.object({
  pattern: z.string().check(
    z.minLength(1),
    z.describe(
      'Glob relative to path, e.g. "**/*.ts", "src/**/*_test.go", "*.md" (top level only), "**/{a,b}.json".',
    ),
  ),
  path: z.optional(z.string()).check(z.describe(
    "Directory to search from, relative to the working directory (default: the working directory).",
  )),
  max_results: z.optional(z.int().check(z.minimum(1), z.maximum(1000))).check(z.describe(
    `The most files to list (default ${DEFAULT_MAX_FILES}).`,
  )),
});

const GLOB_CHARS = /[*?[{\\]/;

/** Splits a glob into the directory it can start from and the part that needs matching. */
export function splitGlob(root: string, pattern: string): { base: string; rest: string } {
  const segments = pattern.replace(/^\.\//, "").split("/");
  const literal: string[] = [];
  while (segments.length > 1 && !GLOB_CHARS.test(segments[0] as string)) {
    literal.push(segments.shift() as string);
  }
  return { base: resolvePath(root, literal.join("/") || "."), rest: segments.join("/") };
}

/** Lists files matching a glob under root, newest first. */
export async function globFiles(
  root: string,
  pattern: string,
  signal: AbortSignal,
): Promise<{ path: string; mtimeMs: number }[]> {
  const { base, rest } = splitGlob(root, pattern);
  if (!GLOB_CHARS.test(rest)) {
    // Nothing to match: the pattern names one file.
    const info = await statOrUndefined(join(base, rest));
    return info?.isFile ? [{ path: join(base, rest), mtimeMs: info.mtime?.getTime() ?? 0 }] : [];
  }
  const regex = globToRegExp(rest);
  const depth = rest.includes("**") ? Infinity : rest.split("/").length;
  const files = await walkFiles(base, {
    signal,
    acceptFile: (relative) => regex.test(relative),
    skipDir: (_relative, dirDepth) => dirDepth >= depth,
  });
  const found: { path: string; mtimeMs: number }[] = [];
  const pause = yielder(signal);
  for (const file of files) {
    await pause();
    let mtimeMs = 0;
    try {
      mtimeMs = Deno.statSync(file.path).mtime?.getTime() ?? 0;
    } catch {
      continue; // removed since the walk
    }
    found.push({ path: file.path, mtimeMs });
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Finds files by name pattern. */
export const globTool = defineTool({
  name: "glob_tool",
  description: [
    "Finds files whose path (relative to path, default the working directory) matches a glob: * and ? stay",
    "within one directory, ** spans directories, {a,b} gives alternatives. Files ignored by .gitignore and the",
    `.git directory are skipped. Lists the newest files first, at most max_results (default ${DEFAULT_MAX_FILES}).`,
    "Use grep_tool to search file contents.",
  ].join(" "),
  parameters: globParameters,
  readOnly: true,
  async execute(args, ctx) {
    const root = resolvePath(ctx.cwd, args.path ?? ".");
    const info = await statOrUndefined(root);
    if (!info) return toolError("not_found", `Path not found: ${displayPath(ctx.cwd, root)}`);
    if (!info.isDirectory) {
      return toolError("not_a_directory", `${displayPath(ctx.cwd, root)} is not a directory.`);
    }
    const files = await globFiles(root, args.pattern, ctx.signal);
    ctx.record({ [KODELET.MATCHES]: files.length });
    if (files.length === 0) return toolOutput(`No files match ${JSON.stringify(args.pattern)}.`);
    const max = args.max_results ?? DEFAULT_MAX_FILES;
    const shown = files.slice(0, max).map((file) => displayPath(ctx.cwd, file.path));
    const header = `${files.length} file${files.length === 1 ? "" : "s"} match ${
      JSON.stringify(args.pattern)
    } (newest first).`;
    const notice = files.length > max
      ? `\n[Showing the ${max} newest of ${files.length} files. Narrow the pattern or path to see the rest.]`
      : "";
    return toolOutput(`${header}\n${shown.join("\n")}${notice}`);
  },
});
