/**
 * MCP: tools from Model Context Protocol servers. The manager starts the configured servers (stdio
 * or Streamable HTTP, through the official SDK) when a command first needs them; their tools become
 * ordinary kodelet tools named `mcp__<server>__<tool>`; every call is traced as a CLIENT span under
 * its execute_tool span, with the trace context passed on to the server in `params._meta`.
 *
 * Nothing here loads the SDK at import time: only starting a server does.
 */
export { McpManager, type McpManagerOptions, type McpServerStatus, type McpToolSummary } from "./manager.ts";
export { MCP_TOOL_PREFIX, mcpToolName, resultText, toToolResult } from "./tool_adapter.ts";
