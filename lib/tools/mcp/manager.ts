/**
 * The configured MCP servers of one kodelet process: started lazily (the first time a command needs
 * their tools), all at once, each bounded by mcp.timeout; a server that fails is reported, never
 * waited for or thrown. Closing ends every session and child process.
 */
import type { McpConfig, McpServerConfig } from "../../config/mod.ts";
import type { Logger } from "../../log.ts";
import { safeUrl } from "../../telemetry/mod.ts";
import type { Tool } from "../tool.ts";
import type { McpConnection } from "./connection.ts";
import { mcpTool } from "./tool_adapter.ts";

/** One tool of a server, as `mcp list` shows it. */
export interface McpToolSummary {
  /** The name the model sees: mcp__<server>__<tool>. */
  name: string;
  /** The server's own name for it. */
  tool: string;
  description: string;
  readOnly: boolean;
}

/** A server and how its start went. */
export interface McpServerStatus {
  name: string;
  transport: "stdio" | "http";
  /** The command line, or the URL without credentials or query. */
  target: string;
  state: "ok" | "failed" | "disabled";
  /** Why it failed. */
  reason?: string;
  tools: McpToolSummary[];
}

/** Where the servers run and what they log to. */
export interface McpManagerOptions {
  cwd: string;
  log: Logger;
}

function target(server: McpServerConfig): string {
  return server.transport === "stdio" ? [server.command, ...server.args].join(" ") : safeUrl(server.url);
}

/** The MCP servers of a session. */
export class McpManager {
  #started: Promise<McpServerStatus[]> | undefined;
  readonly #connections: McpConnection[] = [];
  #tools: Tool[] = [];

  constructor(private readonly config: McpConfig, private readonly options: McpManagerOptions) {}

  /** Whether any server is configured and enabled (if not, nothing is ever loaded). */
  get active(): boolean {
    return this.config.servers.some((server) => server.enabled);
  }

  /** Starts every enabled server in parallel, once; later calls get the same statuses. */
  start(): Promise<McpServerStatus[]> {
    this.#started ??= this.#startAll();
    return this.#started;
  }

  /** The tools of every server that started, in configuration order. */
  tools(): Tool[] {
    return this.#tools;
  }

  async #startAll(): Promise<McpServerStatus[]> {
    const enabled = this.config.servers.filter((server) => server.enabled);
    // The SDK is loaded only here: a configuration without servers costs nothing.
    const connectionModule = enabled.length > 0 ? await import("./connection.ts") : undefined;
    const started = await Promise.all(this.config.servers.map(async (server) => {
      const base = { name: server.name, transport: server.transport, target: target(server) };
      if (!server.enabled || connectionModule === undefined) {
        return { status: { ...base, state: "disabled", tools: [] } as McpServerStatus, tools: [] };
      }
      const began = performance.now();
      try {
        const connection = await connectionModule.McpConnection.open(server, {
          timeoutMs: this.config.timeoutMs,
          cwd: this.options.cwd,
          log: this.options.log,
        });
        this.#connections.push(connection);
        this.options.log.debug("MCP server started", {
          server: server.name,
          tools: connection.tools.length,
          duration_ms: Math.round(performance.now() - began),
        });
        const { tools, summaries } = this.#adapt(server.name, connection);
        return { status: { ...base, state: "ok", tools: summaries } as McpServerStatus, tools };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { status: { ...base, state: "failed", reason, tools: [] } as McpServerStatus, tools: [] };
      }
    }));
    // Configuration order, whichever server answered first.
    this.#tools = started.flatMap((entry) => entry.tools);
    return started.map((entry) => entry.status);
  }

  #adapt(server: string, connection: McpConnection): { tools: Tool[]; summaries: McpToolSummary[] } {
    const seen = new Set<string>();
    const tools: Tool[] = [];
    const summaries: McpToolSummary[] = [];
    for (const info of connection.tools) {
      const tool = mcpTool(server, info, (name, args, signal) => connection.call(name, args, signal));
      // Two server tools whose names differ only in characters a tool name cannot hold: keep the first.
      if (seen.has(tool.name)) {
        this.options.log.warn(`MCP server "${server}": tool "${info.name}" is hidden, its name clashes`);
        continue;
      }
      seen.add(tool.name);
      tools.push(tool);
      summaries.push({
        name: tool.name,
        tool: info.name,
        description: info.description,
        readOnly: info.readOnly,
      });
    }
    return { tools, summaries };
  }

  /** Ends every session; stdio servers that do not exit promptly are killed. */
  async close(): Promise<void> {
    const started = this.#started;
    if (started) await started.catch(() => undefined);
    await Promise.all(this.#connections.map((connection) => connection.close()));
    this.#connections.length = 0;
  }
}
