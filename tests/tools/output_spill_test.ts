/** Large tool output is saved whole under tool-output/ and the model is told where; old files are pruned. */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as z from "zod/mini";
import { fileReadTool } from "../../lib/tools/file_read.ts";
import {
  pruneToolOutput,
  TOOL_OUTPUT_MAX_FILES,
  TOOL_OUTPUT_RETENTION_MS,
} from "../../lib/tools/output_spill.ts";
import { MAX_TOOL_OUTPUT_BYTES, ToolRegistry } from "../../lib/tools/registry.ts";
import { defineTool, toolOutput } from "../../lib/tools/tool.ts";
import { outputOf, tempDir, testContext, testToolEnvironment } from "./_context.ts";

const signal = new AbortController().signal;

/** Numbered lines, so that a part read back can be told apart from any other. */
const BIG = Array.from({ length: 20_000 }, (_, index) => `line ${index + 1} of the big output`).join("\n");

const big = defineTool({
  name: "big",
  description: "Returns a big output.",
  parameters: z.object({}),
  readOnly: true,
  execute: () => Promise.resolve(toolOutput(BIG)),
});

Deno.test("an output over the cap is saved whole and the model gets its head, the path and how to read on", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.dir, "tool-output");
  const registry = new ToolRegistry([big, fileReadTool]);
  const environment = testToolEnvironment(tmp.dir, { toolOutputDir: dir });
  const output = outputOf(
    await registry.execute({ id: "toolu_9/x", name: "big", input: {} }, environment, signal),
  );

  assert.ok(
    new TextEncoder().encode(output).length <= MAX_TOOL_OUTPUT_BYTES,
    "the answer stays within the cap",
  );
  assert.ok(output.startsWith("line 1 of the big output\nline 2 of"));
  const path = /saved at (\S+)/.exec(output)?.[1];
  assert.ok(path, output.slice(-400));
  assert.ok(path.startsWith(dir + "/"), path);
  assert.match(path, /-big-toolu_9_x\.txt$/);
  assert.match(output, /file_read .*grep_tool/s);
  assert.equal(await Deno.readTextFile(path), BIG, "the file holds the whole output");
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);

  // The model can read on from the file with file_read, as the notice says.
  const { ctx } = testContext(tmp.dir);
  const tail = outputOf(await fileReadTool.execute({ path, offset: 19_999, limit: 2 }, ctx));
  assert.match(tail, /line 19999 of the big output/);
  assert.match(tail, /line 20000 of the big output/);
});

Deno.test("without a tool-output directory a large output is only cut", async () => {
  await using tmp = await tempDir();
  const registry = new ToolRegistry([big]);
  const output = outputOf(
    await registry.execute({ id: "c", name: "big", input: {} }, testToolEnvironment(tmp.dir), signal),
  );
  assert.match(output, /…\[truncated \d+ bytes\]$/);
  assert.doesNotMatch(output, /saved at/);
});

Deno.test("a tool-output directory that cannot be written leaves the cut output, not a failed call", async () => {
  await using tmp = await tempDir();
  const blocker = join(tmp.dir, "file-not-dir");
  await Deno.writeTextFile(blocker, "x");
  const registry = new ToolRegistry([big]);
  const environment = testToolEnvironment(tmp.dir, { toolOutputDir: join(blocker, "tool-output") });
  const output = outputOf(await registry.execute({ id: "c", name: "big", input: {} }, environment, signal));
  assert.match(output, /…\[truncated \d+ bytes\]$/);
});

Deno.test("pruning removes saved outputs past the retention and the oldest beyond the file limit", async () => {
  await using tmp = await tempDir();
  const now = new Date("2026-12-01T12:00:00Z");
  const old = join(tmp.dir, "old.txt");
  const fresh = join(tmp.dir, "fresh.txt");
  const other = join(tmp.dir, "notes.md");
  for (const path of [old, fresh, other]) await Deno.writeTextFile(path, "x");
  await Deno.utime(
    old,
    new Date(now.getTime() - TOOL_OUTPUT_RETENTION_MS - 1000),
    new Date(now.getTime() - TOOL_OUTPUT_RETENTION_MS - 1000),
  );
  await Deno.utime(fresh, now, now);
  await Deno.utime(other, new Date(0), new Date(0));
  await pruneToolOutput(tmp.dir, now);
  const names = [];
  for await (const entry of Deno.readDir(tmp.dir)) names.push(entry.name);
  assert.deepEqual(names.sort(), ["fresh.txt", "notes.md"], "only kodelet's .txt files are pruned");

  for (let index = 0; index < TOOL_OUTPUT_MAX_FILES + 3; index++) {
    const path = join(tmp.dir, `f${String(index).padStart(4, "0")}.txt`);
    await Deno.writeTextFile(path, "x");
    const at = new Date(now.getTime() - (TOOL_OUTPUT_MAX_FILES + 3 - index) * 1000);
    await Deno.utime(path, at, at);
  }
  await pruneToolOutput(tmp.dir, now);
  const left = [];
  for await (const entry of Deno.readDir(tmp.dir)) if (entry.name.endsWith(".txt")) left.push(entry.name);
  assert.equal(left.length, TOOL_OUTPUT_MAX_FILES);
  assert.ok(left.includes("fresh.txt"), "the newest stays");
  assert.ok(!left.includes("f0000.txt") && !left.includes("f0003.txt"), "the oldest go");
});

Deno.test("pruning a directory that does not exist is not an error", async () => {
  await pruneToolOutput("/nonexistent/kodelet/tool-output");
});
