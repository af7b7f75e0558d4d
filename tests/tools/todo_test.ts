import assert from "node:assert/strict";
import { InMemoryTodoStore } from "../../lib/tools/file_state.ts";
import { todoReadTool, todoWriteTool } from "../../lib/tools/todo.ts";
import type { TodoItem } from "../../lib/tools/tool.ts";
import { errorOf, outputOf, testContext } from "./_context.ts";

const PLAN: TodoItem[] = [
  { id: "1", content: "Read the failing test", status: "completed", priority: "high" },
  { id: "2", content: "Fix the parser", status: "in_progress", priority: "high" },
  { id: "3", content: "Update the docs", status: "pending", priority: "low" },
];

Deno.test("todo_write replaces the list in ctx.todos and todo_read shows it", async () => {
  const { ctx } = testContext("/");
  assert.equal(outputOf(await todoReadTool.execute({}, ctx)), "The todo list is empty.");
  const written = outputOf(await todoWriteTool.execute({ todos: PLAN }, ctx));
  assert.match(written, /^Todo list updated\./);
  assert.deepEqual(ctx.todos.read(), PLAN);
  assert.equal(
    outputOf(await todoReadTool.execute({}, ctx)),
    [
      "1 of 3 done.",
      "[x] 1: Read the failing test (completed, high)",
      "[~] 2: Fix the parser (in_progress, high)",
      "[ ] 3: Update the docs (pending, low)",
    ].join("\n"),
  );
  outputOf(await todoWriteTool.execute({ todos: [{ ...PLAN[2]!, status: "cancelled" }] }, ctx));
  assert.equal(
    outputOf(await todoReadTool.execute({}, ctx)),
    "0 of 1 done.\n[-] 3: Update the docs (cancelled, low)",
  );
});

Deno.test("todo_write refuses duplicate ids and leaves the list as it was", async () => {
  const todos = new InMemoryTodoStore(PLAN);
  const { ctx } = testContext("/", { todos });
  const error = errorOf(await todoWriteTool.execute({ todos: [PLAN[0]!, { ...PLAN[1]!, id: "1" }] }, ctx));
  assert.equal(error.kind, "duplicate_id");
  assert.deepEqual(todos.read(), PLAN);
});

Deno.test("the in-memory todo store hands out copies", () => {
  const todos = new InMemoryTodoStore();
  const items = PLAN.map((item) => ({ ...item }));
  todos.write(items);
  items[0]!.content = "changed outside";
  todos.read()[1]!.content = "changed outside too";
  assert.deepEqual(todos.read(), PLAN);
});
