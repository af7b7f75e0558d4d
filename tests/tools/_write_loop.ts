/**
 * Child process for file_write_test: writes two large contents to one file through file_write, in
 * turn, forever, until it is killed. Prints "ready" once the file exists.
 * Usage: deno run -A _write_loop.ts <dir> <file> <size>
 */
import { fileWriteTool } from "../../lib/tools/file_write.ts";
import { testContext } from "./_context.ts";

const [dir, file, sizeText] = Deno.args;
if (!dir || !file || !sizeText) throw new Error("usage: _write_loop.ts <dir> <file> <size>");
const size = Number(sizeText);
const contents = ["a".repeat(size), "b".repeat(size + 1)];
const { ctx } = testContext(dir);
for (let round = 0;; round++) {
  const result = await fileWriteTool.execute({ path: file, content: contents[round % 2] as string }, ctx);
  if (!result.ok) throw new Error(result.error.message);
  if (round === 0) console.log("ready");
}
