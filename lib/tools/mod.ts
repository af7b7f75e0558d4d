/**
 * The tools kodelet gives the model (shell, files, search, todo list, web, subagent) and the registry
 * that runs them. Each tool's parameter schema is exported so tests can check what the model sees.
 * Every call passes the permission gate (permissions/) before it runs.
 */
import { bashTool } from "./bash.ts";
import { fileEditTool } from "./file_edit.ts";
import { fileReadTool } from "./file_read.ts";
import { fileWriteTool } from "./file_write.ts";
import { globTool } from "./glob_tool.ts";
import { grepTool } from "./grep_tool.ts";
import { ToolRegistry } from "./registry.ts";
import { subagentTool } from "./subagent.ts";
import { todoReadTool, todoWriteTool } from "./todo.ts";
import type { Tool } from "./tool.ts";
import { webFetchTool } from "./web_fetch.ts";

export { bashParameters, bashTool } from "./bash.ts";
export { childEnvironment } from "./child_env.ts";
export { BashSandbox, type SandboxSettings, sandboxWarning } from "./sandbox.ts";
export { fileEditParameters, fileEditTool } from "./file_edit.ts";
export { fileReadParameters, fileReadTool } from "./file_read.ts";
export { fileWriteParameters, fileWriteTool } from "./file_write.ts";
export { InMemoryFileReadTracker, InMemoryTodoStore } from "./file_state.ts";
export { globParameters, globTool } from "./glob_tool.ts";
export { grepParameters, grepTool } from "./grep_tool.ts";
export { subagentParameters, subagentTool } from "./subagent.ts";
export { todoReadParameters, todoReadTool, todoWriteParameters, todoWriteTool } from "./todo.ts";
export { webFetchParameters, webFetchTool } from "./web_fetch.ts";
export {
  MCP_TOOL_PREFIX,
  McpManager,
  type McpManagerOptions,
  type McpServerStatus,
  mcpToolName,
  type McpToolSummary,
} from "./mcp/mod.ts";
export * from "./registry.ts";
export * from "./permissions/mod.ts";
export { decisionAttributes, decisionRecord, strictGate, systemTempDir } from "./permission_check.ts";
export * from "./tool.ts";

/** Every tool, in the order the model is shown them: shell and files first, then search, planning, web, delegation. */
export function allTools(): Tool[] {
  return [
    bashTool,
    fileReadTool,
    fileWriteTool,
    fileEditTool,
    grepTool,
    globTool,
    todoReadTool,
    todoWriteTool,
    webFetchTool,
    subagentTool,
  ];
}

/** A registry holding every tool; `.readOnly()` of it is what a subagent gets. */
export function defaultRegistry(): ToolRegistry {
  return new ToolRegistry(allTools());
}
