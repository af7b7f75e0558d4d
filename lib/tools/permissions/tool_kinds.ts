/** How the permission engine sees each built-in tool; any other tool (MCP) is judged as "other". */

/** Tools that only read, or only touch the agent's own task list: they run freely in every mode. */
export const FREE_TOOLS: ReadonlySet<string> = new Set([
  "file_read",
  "grep_tool",
  "glob_tool",
  "todo_read",
  "todo_write",
  // Its nested agent has only the read tools, and their calls are judged one by one.
  "subagent",
]);

/** Tools that change files; accept-edits lets them change files inside the working directory. */
export const EDIT_TOOLS: ReadonlySet<string> = new Set(["file_write", "file_edit"]);

/** Tools whose rules take a path glob. */
export const PATH_TOOLS: ReadonlySet<string> = new Set(["file_read", "file_write", "file_edit"]);

/** Every built-in tool name, so that a rule naming a misspelt tool is refused. */
export const BUILTIN_TOOLS: ReadonlySet<string> = new Set([
  ...FREE_TOOLS,
  ...EDIT_TOOLS,
  "bash",
  "web_fetch",
]);

/** The prefix of MCP tool names: `mcp__<server>__<tool>`. */
export const MCP_PREFIX = "mcp__";
