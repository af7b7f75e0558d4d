/**
 * One live connection to one MCP server through the official SDK: start-up (`initialize` and
 * `tools/list`, each its own CLIENT span, bounded by mcp.timeout), tool calls (`tools/call <tool>`
 * CLIENT spans), and an ending that never leaves a child process behind. This module loads the SDK;
 * the manager imports it only when a server is about to start.
 */
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { type CallToolResult, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { resolve } from "node:path";
import type { McpServerConfig } from "../../config/mod.ts";
import type { Logger } from "../../log.ts";
import {
  type Attributes,
  classifyNetworkError,
  failSpan,
  GEN_AI,
  GENERAL,
  MCP,
  safeUrl,
  type Span,
  SpanKind,
  traceContextEnv,
  withSpan,
} from "../../telemetry/mod.ts";
import { StderrTail } from "./_stderr_tail.ts";
import { markMcpSpan, TracedTransport } from "./traced_transport.ts";
import { VERSION } from "../../version.ts";

/** A tool as the server describes it. */
export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** The server's `readOnlyHint`. */
  readOnly: boolean;
}

/** The outcome of one tools/call, as a value (never thrown, so nothing content-like reaches a span). */
export type McpCallOutcome =
  | { ok: true; result: CallToolResult }
  | { ok: false; kind: string; message: string };

/** What opening a connection needs. */
export interface ConnectOptions {
  timeoutMs: number;
  /** kodelet's working directory; a server's relative cwd resolves here. */
  cwd: string;
  log: Logger;
}

/** How long a closing server may take before it is killed. */
const CLOSE_GRACE_MS = 500;

/** The attributes that say where a server is: a pipe to a child, or a TCP peer. */
export function transportAttributes(server: McpServerConfig): Attributes {
  if (server.transport === "stdio") {
    return { [MCP.NETWORK_TRANSPORT]: "pipe", [MCP.SERVER_NAME]: server.name };
  }
  const url = new URL(server.url);
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return {
    [MCP.NETWORK_TRANSPORT]: "tcp",
    [MCP.NETWORK_PROTOCOL_NAME]: "http",
    [GENERAL.SERVER_ADDRESS]: url.hostname,
    [GENERAL.SERVER_PORT]: port,
    [MCP.SERVER_NAME]: server.name,
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rejects when the deadline passes, so that no start-up step can hang. */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new McpError(ErrorCode.RequestTimeout, `${what} timed out`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A connected server. */
export class McpConnection {
  /** Why the connection ended on its own (the server exited or hung up); undefined while it is up. */
  failure: string | undefined;
  #closing = false;

  private constructor(
    readonly server: McpServerConfig,
    readonly tools: McpToolInfo[],
    private readonly client: Client,
    private readonly transport: TracedTransport,
    private readonly stderr: StderrTail,
    private readonly timeoutMs: number,
  ) {
    client.onclose = () => {
      if (!this.#closing) this.failure = stderr.explain("the server closed the connection");
    };
  }

  /** Starts (or reaches) a server, initializes the session and lists its tools, within the timeout. */
  static async open(server: McpServerConfig, options: ConnectOptions): Promise<McpConnection> {
    if (server.missing.length > 0) {
      throw new Error(`${server.missing.map((name) => `\${${name}}`).join(", ")} not set in the environment`);
    }
    const stderr = new StderrTail(server.name, options.log);
    const started = performance.now();
    const left = () => Math.max(1, options.timeoutMs - (performance.now() - started));
    // What is live so far, so that a failure at any step closes it (and kills a started child).
    const live: Live = {};
    try {
      await withSpan("initialize", async (span) => {
        markMcpSpan(span);
        await connect(live, server, options, stderr, span);
        if (live.transport) recordSession(span, live.transport);
      }, {
        kind: SpanKind.CLIENT,
        attributes: { [MCP.METHOD_NAME]: "initialize", ...transportAttributes(server) },
      });
      const { client, transport } = live as Required<Live>;
      const tools = await withSpan("tools/list", async (span) => {
        markMcpSpan(span);
        recordSession(span, transport);
        const found = await bounded(listTools(client, left()), left(), "tools/list");
        span.setAttribute(MCP.TOOL_COUNT, found.length);
        return found;
      }, {
        kind: SpanKind.CLIENT,
        attributes: { [MCP.METHOD_NAME]: "tools/list", ...transportAttributes(server) },
      });
      return new McpConnection(server, tools, client, transport, stderr, options.timeoutMs);
    } catch (error) {
      await closeQuietly(live);
      throw new Error(describeStartFailure(error, server, options.timeoutMs, stderr));
    }
  }

  /** Calls one tool inside its `tools/call <tool>` span; never throws. */
  call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallOutcome> {
    const attributes: Attributes = {
      [MCP.METHOD_NAME]: "tools/call",
      [GEN_AI.TOOL_NAME]: tool,
      ...transportAttributes(this.server),
    };
    return withSpan(`tools/call ${tool}`, async (span): Promise<McpCallOutcome> => {
      markMcpSpan(span);
      recordSession(span, this.transport);
      if (this.failure !== undefined) {
        failSpan(span, "connection_closed");
        return { ok: false, kind: "mcp_server_down", message: this.#down() };
      }
      try {
        const result = await this.client.callTool({ name: tool, arguments: args }, undefined, {
          timeout: this.timeoutMs,
          signal,
        }) as CallToolResult;
        // The conventions' value for a call that worked but whose tool reported a failure.
        if (result.isError === true) failSpan(span, "tool_error");
        return { ok: true, result };
      } catch (error) {
        return this.#failed(span, tool, error, signal);
      }
    }, { kind: SpanKind.CLIENT, attributes });
  }

  #down(): string {
    return `MCP server "${this.server.name}" is not running: ${this.failure ?? "it was closed"}`;
  }

  #failed(span: Span, tool: string, error: unknown, signal: AbortSignal): McpCallOutcome {
    if (signal.aborted) {
      failSpan(span, "cancelled");
      return { ok: false, kind: "cancelled", message: "Cancelled by the user" };
    }
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      failSpan(span, "timeout");
      return {
        ok: false,
        kind: "timeout",
        message: `MCP server "${this.server.name}" did not answer ${tool} within ${this.timeoutMs / 1000}s`,
      };
    }
    if (
      this.failure !== undefined || (error instanceof McpError && error.code === ErrorCode.ConnectionClosed)
    ) {
      this.failure ??= this.stderr.explain("the server closed the connection");
      failSpan(span, "connection_closed");
      return { ok: false, kind: "mcp_server_down", message: `${tool} failed: ${this.#down()}` };
    }
    if (error instanceof McpError) {
      // A JSON-RPC error from the server: its code is the error.type; its message may quote the
      // model's arguments, so it goes to the model (and to captured content), not to the span.
      span.setAttribute(MCP.RPC_RESPONSE_STATUS_CODE, String(error.code));
      failSpan(span, String(error.code));
      return { ok: false, kind: "mcp_error", message: `${tool} failed: ${error.message}` };
    }
    failSpan(span, error instanceof Error ? error.name : "_OTHER");
    return { ok: false, kind: "mcp_error", message: `${tool} failed: ${message(error)}` };
  }

  /** Ends the session; a child that does not exit within a moment is killed. */
  async close(): Promise<void> {
    this.#closing = true;
    await closeQuietly({ client: this.client, transport: this.transport });
  }
}

function recordSession(span: Span, transport: TracedTransport): void {
  if (transport.sessionId !== undefined) span.setAttribute(MCP.SESSION_ID, transport.sessionId);
  if (transport.protocolVersion !== undefined) {
    span.setAttribute(MCP.PROTOCOL_VERSION, transport.protocolVersion);
  }
}

/** The client and transport of a connection being opened. */
interface Live {
  client?: Client;
  transport?: TracedTransport;
}

function newClient(): Client {
  return new Client({ name: "kodelet", version: VERSION });
}

async function connect(
  live: Live,
  server: McpServerConfig,
  options: ConnectOptions,
  stderr: StderrTail,
  span: Span,
): Promise<void> {
  const requestOptions = { timeout: options.timeoutMs };
  live.client = newClient();
  if (server.transport === "stdio") {
    const inner = new StdioClientTransport({
      command: server.command,
      args: server.args,
      // The SDK adds only a safe few variables (HOME, PATH, ...) to these: a third-party server does
      // not get kodelet's credentials. TRACEPARENT lets a traced server's start-up join the trace.
      env: { ...server.env, ...traceContextEnv() },
      cwd: resolve(options.cwd, server.cwd ?? "."),
      stderr: "pipe",
    });
    stderr.follow(inner.stderr);
    live.transport = new TracedTransport(inner);
    await bounded(live.client.connect(live.transport, requestOptions), options.timeoutMs, "initialize");
    return;
  }
  const url = new URL(server.url);
  const requestInit = { headers: server.headers };
  live.transport = new TracedTransport(new StreamableHTTPClientTransport(url, { requestInit }));
  try {
    await bounded(live.client.connect(live.transport, requestOptions), options.timeoutMs, "initialize");
  } catch (error) {
    // Servers of the older HTTP+SSE protocol answer the Streamable HTTP POST with 404 or 405.
    if (!(error instanceof StreamableHTTPError) || (error.code !== 404 && error.code !== 405)) throw error;
    await closeQuietly(live);
    options.log.debug("MCP server does not speak Streamable HTTP; trying SSE", { server: server.name });
    span.setAttribute(MCP.SSE_FALLBACK, true);
    live.client = newClient();
    live.transport = new TracedTransport(new SSEClientTransport(url, { requestInit }));
    await bounded(live.client.connect(live.transport, requestOptions), options.timeoutMs, "initialize");
  }
}

async function listTools(client: Client, timeoutMs: number): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor }, {
      timeout: timeoutMs,
    });
    for (const tool of page.tools) {
      tools.push({
        name: tool.name,
        description: tool.description ?? tool.title ?? "",
        inputSchema: tool.inputSchema as Record<string, unknown>,
        readOnly: tool.annotations?.readOnlyHint === true,
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

function describeStartFailure(
  error: unknown,
  server: McpServerConfig,
  timeoutMs: number,
  stderr: StderrTail,
): string {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return stderr.explain(`no answer within ${timeoutMs / 1000}s (mcp.timeout)`);
  }
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
    return stderr.explain("the server exited before it answered");
  }
  if (error instanceof StreamableHTTPError || error instanceof McpError) {
    return stderr.explain(error.message.replace(/^MCP error -?\d+: /, ""));
  }
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT" && server.transport === "stdio") return `command not found: ${server.command}`;
  if (server.transport === "http" && error instanceof TypeError) {
    // fetch's own message ("fetch failed") says nothing; the cause chain says what went wrong.
    const network = classifyNetworkError(error);
    return `cannot reach ${safeUrl(server.url)} (${network.kind}: ${network.message})`;
  }
  return stderr.explain(message(error));
}

/** Closes the session; a child that has not exited after a short grace is killed. */
async function closeQuietly(live: Live): Promise<void> {
  const { client, transport } = live;
  // Read before closing: the SDK forgets the process when close() starts.
  const pid = transport?.inner instanceof StdioClientTransport ? transport.inner.pid ?? undefined : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((done) => timer = setTimeout(done, CLOSE_GRACE_MS));
  const closing = client ? client.close() : transport?.close();
  await Promise.race([closing?.catch(() => {}), grace]);
  clearTimeout(timer);
  if (pid !== undefined && transport !== undefined && !transport.closed) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
