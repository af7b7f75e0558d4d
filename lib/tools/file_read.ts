/**
 * The file_read tool: a range of lines with line numbers, read as a stream so a huge file costs only
 * what is shown, capped in bytes with a notice that says how to read on. Binary files and
 * directories are refused. Every read is recorded for file_edit's staleness check.
 */
import * as z from "zod/mini";
import { KODELET } from "../telemetry/mod.ts";
import { displayPath, fileState, looksBinary, resolvePath, SNIFF_BYTES, statOrUndefined } from "./_fs.ts";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** Lines returned when the model gives no limit. */
export const DEFAULT_LINE_LIMIT = 2000;
/** The most bytes of file text one call returns (below the registry's 64 KiB cap, with room for numbers). */
export const MAX_READ_BYTES = 48 * 1024;
/** Longer lines are cut (minified files would otherwise fill the whole answer). */
export const MAX_LINE_CHARS = 2000;

/** The file_read tool's parameters. */
export const fileReadParameters = z.object({
  path: z.string().check(
    z.minLength(1),
    z.describe("The file to read, relative to the working directory or absolute."),
  ),
  offset: z.optional(z.int().check(z.minimum(1))).check(
    z.describe("The first line to return, 1-based (default 1)."),
  ),
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))).check(z.describe(
    `How many lines to return (default ${DEFAULT_LINE_LIMIT}).`,
  )),
});

interface Window {
  lines: string[];
  /** Whether the file has lines after the window. */
  more: boolean;
  /** Whether the byte cap, not the line limit, ended the window. */
  capped: boolean;
  bytesRead: number;
  /** Lines seen, which is the file's line count when the window reached the end. */
  linesSeen: number;
}

/** UTF-8 length of a string, without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // A surrogate pair is 4 bytes in all: 2 for each half.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xe000 ? 2 : 3;
  }
  return bytes;
}

/** Streams the file and keeps lines [first, first + limit) within the byte cap. */
async function readWindow(path: string, first: number, limit: number): Promise<Window> {
  const file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder();
  const lines: string[] = [];
  let lineNumber = 1;
  let pending = "";
  let bytesRead = 0;
  let shownBytes = 0;
  let capped = false;
  let more = false;
  const take = (line: string): boolean => {
    if (lineNumber >= first) {
      if (lines.length >= limit) {
        more = true;
        return false;
      }
      const shown = line.length > MAX_LINE_CHARS
        ? `${line.slice(0, MAX_LINE_CHARS)}… [line cut at ${MAX_LINE_CHARS} characters]`
        : line;
      shownBytes += utf8Length(shown) + 8;
      if (shownBytes > MAX_READ_BYTES && lines.length > 0) {
        capped = true;
        more = true;
        return false;
      }
      lines.push(shown);
    }
    lineNumber++;
    return true;
  };
  try {
    const buffer = new Uint8Array(64 * 1024);
    reading: for (;;) {
      const count = await file.read(buffer);
      if (count === null) break;
      bytesRead += count;
      pending += decoder.decode(buffer.subarray(0, count), { stream: true });
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline).replace(/\r$/, "");
        pending = pending.slice(newline + 1);
        if (!take(line)) break reading;
      }
    }
    pending += decoder.decode();
    if (!more && pending !== "") take(pending.replace(/\r$/, ""));
  } finally {
    file.close();
  }
  return { lines, more, capped, bytesRead, linesSeen: lineNumber - 1 };
}

/** Reads text files. */
export const fileReadTool = defineTool({
  name: "file_read",
  description: [
    "Reads a text file and returns its lines prefixed with line numbers (number, a tab, the line).",
    `Returns up to ${DEFAULT_LINE_LIMIT} lines from offset (1-based) unless limit says otherwise, and at most`,
    `${
      MAX_READ_BYTES / 1024
    } KiB; when more remains, the output ends with a notice giving the offset to read on from.`,
    "Binary files and directories are refused (use glob_tool to list files). Read a file before editing it",
    "with file_edit. Line numbers and tabs are not part of the file's content.",
  ].join(" "),
  parameters: fileReadParameters,
  readOnly: true,
  async execute(args, ctx) {
    const path = resolvePath(ctx.cwd, args.path);
    const shown = displayPath(ctx.cwd, path);
    const info = await statOrUndefined(path);
    if (!info) return toolError("not_found", `File not found: ${shown}`);
    if (info.isDirectory) {
      return toolError(
        "is_directory",
        `${shown} is a directory, not a file. Use glob_tool to list its files.`,
      );
    }
    const sample = new Uint8Array(SNIFF_BYTES);
    const file = await Deno.open(path, { read: true });
    let sampled = 0;
    try {
      sampled = (await file.read(sample)) ?? 0;
    } finally {
      file.close();
    }
    if (looksBinary(sample.subarray(0, sampled))) {
      return toolError(
        "binary_file",
        `${shown} is a binary file (NUL bytes or invalid UTF-8); it cannot be shown as text.`,
      );
    }
    // Recorded before the read, so a change during the read makes the next edit refuse, not succeed.
    ctx.files.recordRead(path, await fileState(path));

    const first = args.offset ?? 1;
    const window = await readWindow(path, first, args.limit ?? DEFAULT_LINE_LIMIT);
    ctx.record({ [KODELET.BYTES_READ]: window.bytesRead, [KODELET.LINES_RETURNED]: window.lines.length });
    if (info.size === 0) return toolOutput(`(${shown} is empty)`);
    if (window.lines.length === 0) {
      return toolError(
        "out_of_range",
        `offset ${first} is past the end of ${shown}, which has ${window.linesSeen} lines.`,
      );
    }
    const width = String(first + window.lines.length - 1).length;
    const body = window.lines.map((line, index) => `${String(first + index).padStart(width, " ")}\t${line}`)
      .join("\n");
    const last = first + window.lines.length - 1;
    if (!window.more) return toolOutput(body);
    const why = window.capped ? `output reached the ${MAX_READ_BYTES / 1024} KiB cap` : "line limit reached";
    return toolOutput(
      `${body}\n[truncated: showing lines ${first}-${last}; ${why}. Call file_read with offset=${
        last + 1
      } to read on.]`,
    );
  },
});
