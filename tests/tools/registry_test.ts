import assert from "node:assert/strict";
import * as z from "zod/mini";
import { allTools, defaultRegistry } from "../../lib/tools/mod.ts";
import { MAX_TOOL_OUTPUT_BYTES, type ToolEnvironment, ToolRegistry } from "../../lib/tools/registry.ts";
import { defineTool, toolOutput } from "../../lib/tools/tool.ts";
import { errorOf, outputOf, tempDir, testToolEnvironment } from "./_context.ts";

function environment(cwd: string): ToolEnvironment {
  return testToolEnvironment(cwd);
}

const signal = new AbortController().signal;

const throwing = defineTool({
  name: "throwing",
  description: "Always throws.",
  parameters: z.object({}),
  readOnly: true,
  execute() {
    throw new RangeError("boom");
  },
});

const chatty = defineTool({
  name: "chatty",
  description: "Returns a lot of text.",
  parameters: z.object({ bytes: z.int() }),
  readOnly: true,
  execute: (args) => Promise.resolve(toolOutput("x".repeat(args.bytes))),
});

Deno.test("registry returns invalid arguments as a tool error that says how to fix the call", async () => {
  await using tmp = await tempDir();
  const registry = defaultRegistry();
  const cases: [string, unknown, RegExp][] = [
    ["file_read", { path: 5 }, /^Invalid arguments for file_read: path: .*expected string/],
    ["bash", {}, /^Invalid arguments for bash: command: .*expected string/],
    ["bash", { command: "ls", timeout_seconds: 601 }, /timeout_seconds: .*600/],
    ["bash", { command: "ls", timeout_seconds: 0 }, /timeout_seconds: .*1/],
    ["file_edit", { path: "a", old_string: "", new_string: "b" }, /old_string: /],
    [
      "todo_write",
      { todos: [{ id: "1", content: "x", status: "done", priority: "high" }] },
      /todos\.0\.status: .*"pending"/,
    ],
    ["web_fetch", { url: "ftp://example.com/file" }, /url: /],
    ["grep_tool", { pattern: "x", max_results: "ten" }, /max_results: /],
  ];
  for (const [name, input, message] of cases) {
    const error = errorOf(await registry.execute({ id: "c1", name, input }, environment(tmp.dir), signal));
    assert.equal(error.kind, "invalid_arguments", `${name} ${JSON.stringify(input)}`);
    assert.match(error.message, message);
  }
});

Deno.test("registry turns a thrown error into a failed result", async () => {
  const registry = new ToolRegistry([throwing]);
  const error = errorOf(
    await registry.execute({ id: "c1", name: "throwing", input: {} }, environment("/"), signal),
  );
  assert.deepEqual(error, { kind: "RangeError", message: "throwing failed: boom" });
});

Deno.test("registry answers an unknown tool with the names of the tools there are", async () => {
  const registry = defaultRegistry();
  const error = errorOf(
    await registry.execute({ id: "c1", name: "rm_rf", input: {} }, environment("/"), signal),
  );
  assert.equal(error.kind, "unknown_tool");
  assert.match(
    error.message,
    /No tool named "rm_rf"\. Tools: bash, file_read, file_write, file_edit, grep_tool/,
  );
});

Deno.test("registry truncates a result larger than the output cap and says so", async () => {
  const registry = new ToolRegistry([chatty]);
  const small = outputOf(
    await registry.execute({ id: "c1", name: "chatty", input: { bytes: 10 } }, environment("/"), signal),
  );
  assert.equal(small, "x".repeat(10));
  const big = outputOf(
    await registry.execute({ id: "c2", name: "chatty", input: { bytes: 100_000 } }, environment("/"), signal),
  );
  assert.ok(big.length < 100_000);
  assert.match(big, /…\[truncated \d+ bytes\]$/);
  assert.ok(big.startsWith("x".repeat(MAX_TOOL_OUTPUT_BYTES - 100)));
});

Deno.test("registry runs a real tool end to end", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/hello.txt`, "hi\n");
  const result = await defaultRegistry().execute(
    { id: "c1", name: "file_read", input: { path: "hello.txt" } },
    environment(tmp.dir),
    signal,
  );
  assert.equal(outputOf(result), "1\thi");
});

Deno.test("allTools lists every tool once, in order, and the read-only set is what a subagent may use", () => {
  const names = allTools().map((tool) => tool.name);
  assert.deepEqual(names, [
    "bash",
    "file_read",
    "file_write",
    "file_edit",
    "grep_tool",
    "glob_tool",
    "todo_read",
    "todo_write",
    "web_fetch",
    "subagent",
  ]);
  assert.deepEqual(defaultRegistry().readOnly().list().map((tool) => tool.name), [
    "file_read",
    "grep_tool",
    "glob_tool",
    "todo_read",
    "web_fetch",
  ]);
});

Deno.test("outcomeOf counts a command that ran and failed (bash exit 3) as an error, as the ✗ on screen says", async () => {
  const { outcomeOf } = await import("../../lib/tools/registry.ts");
  assert.equal(outcomeOf(toolOutput("out\n", "exit 3")), "error");
  assert.equal(outcomeOf(toolOutput("out\n")), "ok");
  assert.equal(outcomeOf({ ok: false, error: { kind: "cancelled", message: "stopped" } }), "cancelled");
  assert.equal(outcomeOf({ ok: false, error: { kind: "not_permitted", message: "no" } }), "denied");
});
