/**
 * The file_edit tool: replaces an exact string (once, or everywhere when asked) in a file the agent
 * has read and that has not changed since, writing atomically and keeping the file's mode.
 */
import * as z from "zod/mini";
import { KODELET } from "../telemetry/mod.ts";
import {
  atomicWrite,
  displayPath,
  fileState,
  looksBinary,
  resolvePath,
  statOrUndefined,
  withPathLock,
} from "./_fs.ts";
import { changedLines, lineAttributes } from "./_line_diff.ts";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** The file_edit tool's parameters. */
export const fileEditParameters = z.object({
  path: z.string().check(
    z.minLength(1),
    z.describe("The file to edit, relative to the working directory or absolute."),
  ),
  old_string: z.string().check(
    z.minLength(1),
    z.describe(
      "The exact text to replace, including whitespace and indentation, without file_read's line-number prefixes.",
    ),
  ),
  new_string: z.string().check(z.describe("The text to put in its place (may be empty to delete).")),
  replace_all: z.optional(z.boolean()).check(z.describe(
    "Replace every occurrence (default false: old_string must occur exactly once).",
  )),
});

/** Context lines shown around the first replacement. */
const SNIPPET_CONTEXT = 3;

/** A few numbered lines around the first change, so the model can check the result. */
function snippet(content: string, index: number, length: number): string {
  const lines = content.split("\n");
  const firstLine = content.slice(0, index).split("\n").length;
  const lastLine = firstLine + content.slice(index, index + length).split("\n").length - 1;
  const from = Math.max(1, firstLine - SNIPPET_CONTEXT);
  const to = Math.min(lines.length, lastLine + SNIPPET_CONTEXT);
  const width = String(to).length;
  return lines.slice(from - 1, to).map((line, offset) =>
    `${String(from + offset).padStart(width, " ")}\t${line}`
  ).join(
    "\n",
  );
}

/** Edits files by exact string replacement. */
export const fileEditTool = defineTool({
  name: "file_edit",
  description: [
    "Replaces old_string with new_string in a file. old_string must match the file exactly (whitespace and",
    "indentation included) and occur exactly once, unless replace_all is true; include enough surrounding lines",
    "to make it unique. The file must have been read with file_read (or written with file_write) first, and",
    "must not have changed since: otherwise read it again. The write is atomic and keeps the file's mode.",
  ].join(" "),
  parameters: fileEditParameters,
  readOnly: false,
  execute(args, ctx) {
    const path = resolvePath(ctx.cwd, args.path);
    // Tool calls of one message run concurrently: a second change to the same file waits, then
    // sees the first one's result (and its recorded state) instead of overwriting it.
    return withPathLock(path, async () => {
      const shown = displayPath(ctx.cwd, path);
      if (args.old_string === args.new_string) {
        return toolError("no_change", "old_string and new_string are the same; there is nothing to edit.");
      }
      const info = await statOrUndefined(path);
      if (!info) {
        return toolError("not_found", `File not found: ${shown}. Use file_write to create a new file.`);
      }
      if (info.isDirectory) return toolError("is_directory", `${shown} is a directory, not a file.`);
      const last = ctx.files.lastRead(path);
      if (!last) return toolError("not_read", `Read ${shown} with file_read before editing it.`);
      const now = { mtimeMs: info.mtime?.getTime() ?? 0, size: info.size };
      if (now.mtimeMs !== last.mtimeMs || now.size !== last.size) {
        return toolError(
          "file_changed",
          `${shown} changed since it was last read (by someone else or a command). Read it again with file_read, then edit.`,
        );
      }
      const bytes = await Deno.readFile(path);
      if (looksBinary(bytes.subarray(0, 8192))) return toolError("binary_file", `${shown} is a binary file.`);
      const content = new TextDecoder().decode(bytes);
      const first = content.indexOf(args.old_string);
      if (first < 0) {
        return toolError(
          "no_match",
          `old_string was not found in ${shown}. Check whitespace and indentation against a fresh file_read, ` +
            `and leave out the line-number prefixes.`,
        );
      }
      const parts = content.split(args.old_string);
      const count = parts.length - 1;
      if (count > 1 && !args.replace_all) {
        return toolError(
          "ambiguous_match",
          `old_string occurs ${count} times in ${shown}. Add surrounding lines to make it unique, or set replace_all to true.`,
        );
      }
      // split/join, not String.replace: `$&` and friends in new_string must stay literal.
      const updated = parts.join(args.new_string);
      const data = new TextEncoder().encode(updated);
      await atomicWrite(path, data);
      ctx.files.recordRead(path, await fileState(path));
      ctx.record({
        [KODELET.BYTES_BEFORE]: bytes.length,
        [KODELET.BYTES_AFTER]: data.length,
        [KODELET.REPLACEMENTS]: count,
        ...lineAttributes(changedLines(args.old_string, args.new_string), count),
      });
      const what = count === 1 ? "1 replacement" : `${count} replacements`;
      return toolOutput(
        `Edited ${shown} (${what}). Around the first change:\n${
          snippet(updated, first, args.new_string.length)
        }`,
      );
    });
  },
});
