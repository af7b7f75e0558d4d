/**
 * The tools of kodelet's own test MCP servers, registered on an SDK McpServer: a read-only echo and
 * add, a tool with side effects, an image, a tool-level failure, one that kills its server mid-call
 * and one that never answers. Every tools/call's `_meta` goes to `onCall`, so tests can read the
 * trace context that reached the server.
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

/** What a server saw of one tools/call. */
export interface ReceivedCall {
  tool: string;
  meta: Record<string, unknown>;
  sessionId: string | undefined;
}

/** A 1x1 PNG, base64. */
const PIXEL =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** A server with the fixture tools. */
export function fixtureServer(onCall: (call: ReceivedCall) => void): McpServer {
  const server = new McpServer({ name: "kodelet-fixture", version: "1.0.0" });
  const seen = (tool: string, extra: { _meta?: Record<string, unknown>; sessionId?: string }) =>
    onCall({ tool, meta: { ...(extra._meta ?? {}) }, sessionId: extra.sessionId });
  server.registerTool("echo", {
    description: "Echoes the message back",
    inputSchema: { message: z.string() },
    annotations: { readOnlyHint: true },
  }, (args, extra) => {
    seen("echo", extra);
    return { content: [{ type: "text", text: `echo: ${args.message}` }] };
  });
  server.registerTool("add", {
    description: "Adds two numbers",
    inputSchema: { a: z.number(), b: z.number() },
    annotations: { readOnlyHint: true },
  }, (args, extra) => {
    seen("add", extra);
    return { content: [{ type: "text", text: String(args.a + args.b) }] };
  });
  server.registerTool("write_note", {
    description: "Stores a note (a tool with side effects)",
    inputSchema: { text: z.string() },
  }, (_args, extra) => {
    seen("write_note", extra);
    return { content: [{ type: "text", text: "stored" }] };
  });
  server.registerTool("picture", {
    description: "Returns a picture and a caption",
    annotations: { readOnlyHint: true },
  }, (extra) => {
    seen("picture", extra);
    return {
      content: [
        { type: "text", text: "a pixel" },
        { type: "image", data: PIXEL, mimeType: "image/png" },
        { type: "resource", resource: { uri: "note://1", mimeType: "text/plain", text: "resource text" } },
      ],
    };
  });
  server.registerTool("fail", { description: "Always reports a failure" }, (extra) => {
    seen("fail", extra);
    return { isError: true, content: [{ type: "text", text: "the fixture failed on purpose" }] };
  });
  server.registerTool("crash", { description: "Ends the server's process mid-call" }, (extra) => {
    seen("crash", extra);
    console.error("fixture: crashing on purpose");
    Deno.exit(3);
  });
  server.registerTool("hang", { description: "Never answers" }, (extra) => {
    seen("hang", extra);
    return new Promise(() => {});
  });
  return server;
}
