/**
 * An in-process MCP server of the older HTTP+SSE transport (the SDK's SSEServerTransport on a
 * node:http server at 127.0.0.1): GET /sse opens the event stream, POST /messages carries requests.
 * Like such servers in the field, it answers a Streamable HTTP POST to /sse with 405, which is what
 * makes a client fall back to SSE.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
// @ts-types="@modelcontextprotocol/sdk/server/sse"
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { fixtureServer, type ReceivedCall } from "./fixture_tools.ts";

/** A running SSE server. */
export interface McpSseFixture extends AsyncDisposable {
  url: string;
  calls: ReceivedCall[];
}

/** Starts the server; `await using` stops it. */
export async function startMcpSseServer(): Promise<McpSseFixture> {
  const calls: ReceivedCall[] = [];
  const transports = new Map<string, SSEServerTransport>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "GET" && url.pathname === "/sse") {
      const transport = new SSEServerTransport("/messages", response);
      transports.set(transport.sessionId, transport);
      response.on("close", () => transports.delete(transport.sessionId));
      await fixtureServer((call) => calls.push(call)).connect(transport);
      return;
    }
    if (request.method === "POST" && url.pathname === "/messages") {
      const transport = transports.get(url.searchParams.get("sessionId") ?? "");
      if (transport) return void await transport.handlePostMessage(request, response);
      response.writeHead(404).end("unknown session");
      return;
    }
    response.writeHead(405, { allow: "GET" }).end("method not allowed");
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sse`,
    calls,
    async [Symbol.asyncDispose]() {
      for (const transport of transports.values()) await transport.close().catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}
