/**
 * An in-process MCP server over Streamable HTTP (the SDK's web-standard transport on Deno.serve, at
 * 127.0.0.1 on a free port), with the fixture tools. It records every tools/call's `_meta`, so tests
 * can check that the W3C trace context reached the server, and every request's headers.
 */
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { fixtureServer, type ReceivedCall } from "./fixture_tools.ts";

/** A running server. */
export interface McpHttpFixture extends AsyncDisposable {
  url: string;
  port: number;
  calls: ReceivedCall[];
  /** Headers of every HTTP request, in order. */
  headers: Headers[];
}

/** Starts the server; `await using` stops it. */
export function startMcpHttpServer(): McpHttpFixture {
  const calls: ReceivedCall[] = [];
  const headers: Headers[] = [];
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    headers.push(request.headers);
    const sessionId = request.headers.get("mcp-session-id");
    let transport = sessionId ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId) return new Response("unknown session", { status: 404 });
      const created = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, created),
      });
      await fixtureServer((call) => calls.push(call)).connect(created);
      transport = created;
    }
    return await transport.handleRequest(request);
  });
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    calls,
    headers,
    async [Symbol.asyncDispose]() {
      for (const transport of sessions.values()) await transport.close().catch(() => {});
      await server.shutdown();
    },
  };
}
