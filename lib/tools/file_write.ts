/**
 * The file_write tool: creates or replaces a whole file, atomically (temp file + rename), keeping
 * an existing file's mode and creating missing parent directories.
 */
import * as z from "zod/mini";
import { KODELET } from "../telemetry/mod.ts";
import { atomicWrite, displayPath, fileState, resolvePath, statOrUndefined, withPathLock } from "./_fs.ts";
import { changedLines, lineAttributes, MAX_DIFF_BYTES } from "./_line_diff.ts";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** The file_write tool's parameters. */
export const fileWriteParameters = z.object({
  path: z.string().check(
    z.minLength(1),
    z.describe("The file to write, relative to the working directory or absolute."),
  ),
  content: z.string().check(z.describe("The complete new content of the file.")),
});

const encoder = new TextEncoder();

/** Writes whole files. */
export const fileWriteTool = defineTool({
  name: "file_write",
  description: [
    "Creates a file, or replaces an existing file's whole content, with the given text. Missing parent",
    "directories are created; an existing file keeps its permissions. The write is atomic: the file is",
    "never left half-written. To change part of an existing file, prefer file_edit.",
  ].join(" "),
  parameters: fileWriteParameters,
  readOnly: false,
  execute(args, ctx) {
    const path = resolvePath(ctx.cwd, args.path);
    // Tool calls of one message run concurrently: a second change to the same file waits, then
    // sees the first one's result (and its recorded state) instead of overwriting it.
    return withPathLock(path, async () => {
      const shown = displayPath(ctx.cwd, path);
      const before = await statOrUndefined(path);
      if (before?.isDirectory) return toolError("is_directory", `${shown} is a directory; give a file path.`);
      const data = encoder.encode(args.content);
      // Read before it is replaced, for the lines-changed count (a huge file counts as all new lines).
      const previous = before && before.size <= MAX_DIFF_BYTES
        ? await Deno.readTextFile(path).catch(() => "")
        : "";
      const { created } = await atomicWrite(path, data);
      // The agent knows what it just wrote, so a following file_edit needs no fresh read.
      ctx.files.recordRead(path, await fileState(path));
      ctx.record({
        [KODELET.BYTES_BEFORE]: before?.size ?? 0,
        [KODELET.BYTES_AFTER]: data.length,
        ...lineAttributes(changedLines(previous, args.content)),
      });
      const lines = args.content === ""
        ? 0
        : args.content.split("\n").length - (args.content.endsWith("\n") ? 1 : 0);
      return toolOutput(
        `${created ? "Created" : "Overwrote"} ${shown} (${data.length} bytes, ${lines} lines).`,
      );
    });
  },
});
