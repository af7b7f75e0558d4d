/**
 * An MCP server's tool as an ordinary kodelet Tool: named `mcp__<server>__<tool>`, described and
 * shaped by the server (its JSON Schema goes to the model as is), read-only when the server says so
 * (`readOnlyHint`), and its result turned into the text the model reads. The registry then does what
 * it does for every tool: the execute_tool span, permissions, errors and the output cap.
 */
// @ts-types="@modelcontextprotocol/sdk/types"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod/mini";
import { type Tool, toolError, toolOutput, type ToolResult } from "../tool.ts";
import type { McpCallOutcome, McpToolInfo } from "./connection.ts";

/** The prefix every MCP tool name starts with. */
export const MCP_TOOL_PREFIX = "mcp__";

/** The longest tool name the LLM APIs accept. */
const MAX_TOOL_NAME = 64;

/** `mcp__<server>__<tool>`, with the characters the LLM APIs refuse in a tool name replaced by `_`. */
export function mcpToolName(server: string, tool: string): string {
  return `${MCP_TOOL_PREFIX}${server}__${tool.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, MAX_TOOL_NAME);
}

/** Anything a model sends is an object of arguments; the server checks them against its schema. */
const mcpArguments = z.record(z.string(), z.unknown());

/** Calls one tool of a connected server (the connection, or a stand-in for tests). */
export type McpCaller = (
  tool: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<McpCallOutcome>;

function approximateBytes(base64: string): number {
  return Math.floor(base64.length * 3 / 4);
}

/**
 * The text the model reads: text as is, resources as their text, and a short note for what a text
 * result cannot carry (images, audio, binary resources).
 */
export function resultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const item of result.content ?? []) {
    switch (item.type) {
      case "text":
        parts.push(item.text);
        break;
      case "image":
      case "audio":
        parts.push(`[${item.type} ${item.mimeType}, ${approximateBytes(item.data)} bytes: not shown]`);
        break;
      case "resource": {
        const resource = item.resource;
        if ("text" in resource && typeof resource.text === "string") {
          parts.push(`[resource ${resource.uri}]\n${resource.text}`);
        } else {
          const blob = "blob" in resource && typeof resource.blob === "string" ? resource.blob : "";
          const type = resource.mimeType ?? "binary";
          parts.push(`[resource ${resource.uri} (${type}, ${approximateBytes(blob)} bytes): not shown]`);
        }
        break;
      }
      case "resource_link":
        parts.push(`[resource link ${item.uri}${item.name ? ` (${item.name})` : ""}]`);
        break;
    }
  }
  if (parts.length === 0 && result.structuredContent !== undefined) {
    parts.push(JSON.stringify(result.structuredContent));
  }
  return parts.join("\n");
}

/** What a tool result of the server becomes for the model. */
export function toToolResult(outcome: McpCallOutcome): ToolResult {
  if (!outcome.ok) return toolError(outcome.kind, outcome.message);
  const text = resultText(outcome.result);
  if (outcome.result.isError === true) return toolError("tool_error", text === "" ? "The tool failed" : text);
  return toolOutput(text);
}

/** The JSON Schema the model sees: the server's, as an object schema, without `$schema`. */
function modelSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return { ...rest, type: "object" };
}

/** A kodelet Tool for one tool of one server. */
export function mcpTool(server: string, info: McpToolInfo, call: McpCaller): Tool<typeof mcpArguments> {
  return {
    name: mcpToolName(server, info.name),
    description: info.description === ""
      ? `Tool ${info.name} of the MCP server ${server}.`
      : info.description,
    parameters: mcpArguments,
    inputSchema: modelSchema(info.inputSchema),
    readOnly: info.readOnly,
    async execute(args, context) {
      return toToolResult(await call(info.name, args, context.signal));
    },
  };
}
