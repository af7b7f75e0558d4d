import assert from "node:assert/strict";
import { allTools } from "../../lib/tools/mod.ts";
import { toolSchema } from "../../lib/tools/registry.ts";

/** What each tool must require, and the optional properties the model may give. */
const EXPECTED: Record<string, { required: string[]; optional: string[] }> = {
  bash: { required: ["command"], optional: ["timeout_seconds"] },
  file_read: { required: ["path"], optional: ["offset", "limit"] },
  file_write: { required: ["path", "content"], optional: [] },
  file_edit: { required: ["path", "old_string", "new_string"], optional: ["replace_all"] },
  grep_tool: { required: ["pattern"], optional: ["path", "include", "case_insensitive", "max_results"] },
  glob_tool: { required: ["pattern"], optional: ["path", "max_results"] },
  todo_read: { required: [], optional: [] },
  todo_write: { required: ["todos"], optional: [] },
  web_fetch: { required: ["url"], optional: ["timeout_seconds"] },
  subagent: { required: ["question"], optional: [] },
};

Deno.test("each tool shows the model an object schema with the expected required and optional properties", () => {
  const tools = allTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), Object.keys(EXPECTED).sort());
  for (const tool of tools) {
    const { inputSchema, description } = toolSchema(tool);
    const expected = EXPECTED[tool.name]!;
    assert.equal(inputSchema.type, "object", tool.name);
    assert.equal(inputSchema.$schema, undefined);
    assert.deepEqual(
      [...((inputSchema.required as string[] | undefined) ?? [])].sort(),
      [...expected.required].sort(),
      tool.name,
    );
    const properties = inputSchema.properties as Record<string, { description?: string }>;
    assert.deepEqual(
      Object.keys(properties).sort(),
      [...expected.required, ...expected.optional].sort(),
      tool.name,
    );
    for (const [name, property] of Object.entries(properties)) {
      assert.ok(
        property.description && property.description.length > 10,
        `${tool.name}.${name} is described`,
      );
    }
    assert.ok(description.length > 80, `${tool.name} has a description for the model`);
  }
});

Deno.test("todo_write's schema spells out the item fields and their allowed values", () => {
  const todo = allTools().find((tool) => tool.name === "todo_write")!;
  const properties = toolSchema(todo).inputSchema.properties as Record<
    string,
    { items: Record<string, unknown> }
  >;
  const items = properties.todos!.items;
  assert.deepEqual([...(items.required as string[])].sort(), ["content", "id", "priority", "status"]);
  const fields = items.properties as Record<string, { enum?: string[] }>;
  assert.deepEqual(fields.status?.enum, ["pending", "in_progress", "completed", "cancelled"]);
  assert.deepEqual(fields.priority?.enum, ["high", "medium", "low"]);
});

Deno.test("bash's schema carries the timeout bounds", () => {
  const bash = allTools().find((tool) => tool.name === "bash")!;
  const timeout = (toolSchema(bash).inputSchema.properties as Record<string, Record<string, unknown>>)
    .timeout_seconds!;
  assert.equal(timeout.type, "integer");
  assert.equal(timeout.minimum, 1);
  assert.equal(timeout.maximum, 600);
});
