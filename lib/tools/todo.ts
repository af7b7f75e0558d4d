/**
 * todo_read and todo_write: the agent's task list for the conversation, kept in ctx.todos (which the
 * thread persists with the conversation).
 */
import * as z from "zod/mini";
import { defineTool, type TodoItem, toolError, toolOutput } from "./tool.ts";

/** One todo as the model writes it. */
export const todoItemSchema = z.object({
  id: z.string().check(z.minLength(1), z.describe('A short unique id, e.g. "1" or "tests".')),
  content: z.string().check(z.minLength(1), z.describe("What is to be done, in one line.")),
  status: z.enum(["pending", "in_progress", "completed", "cancelled"]).check(z.describe(
    "pending, in_progress (one task at a time), completed or cancelled.",
  )),
  priority: z.enum(["high", "medium", "low"]).check(z.describe("high, medium or low.")),
});

/** The todo_read tool's parameters (none). */
export const todoReadParameters = z.object({});

/** The todo_write tool's parameters. */
export const todoWriteParameters = z.object({
  todos: z.array(todoItemSchema).check(z.describe("The complete new list; it replaces the old one.")),
});

const MARK: Record<TodoItem["status"], string> = {
  pending: "[ ]",
  in_progress: "[~]",
  completed: "[x]",
  cancelled: "[-]",
};

/** The list as text for the model. */
export function formatTodos(items: readonly TodoItem[]): string {
  if (items.length === 0) return "The todo list is empty.";
  const done = items.filter((item) => item.status === "completed").length;
  const lines = items.map((item) =>
    `${MARK[item.status]} ${item.id}: ${item.content} (${item.status}, ${item.priority})`
  );
  return `${done} of ${items.length} done.\n${lines.join("\n")}`;
}

/** Shows the task list. */
export const todoReadTool = defineTool({
  name: "todo_read",
  description: "Shows the current todo list of this conversation: each task's id, text, status and priority.",
  parameters: todoReadParameters,
  readOnly: true,
  execute(_args, ctx) {
    return Promise.resolve(toolOutput(formatTodos(ctx.todos.read())));
  },
});

/** Replaces the task list. */
export const todoWriteTool = defineTool({
  name: "todo_write",
  description: [
    "Replaces the todo list of this conversation with the given tasks. Use it for work with several steps:",
    "write the plan, mark one task in_progress while working on it, and mark tasks completed as soon as they are",
    "done. Send the whole list every time.",
  ].join(" "),
  parameters: todoWriteParameters,
  readOnly: false,
  execute(args, ctx) {
    const seen = new Set<string>();
    for (const item of args.todos) {
      if (seen.has(item.id)) {
        return Promise.resolve(
          toolError("duplicate_id", `Todo id "${item.id}" is used twice; give each task its own id.`),
        );
      }
      seen.add(item.id);
    }
    ctx.todos.write(args.todos.map((item) => ({ ...item })));
    return Promise.resolve(toolOutput(`Todo list updated.\n${formatTodos(args.todos)}`));
  },
});
