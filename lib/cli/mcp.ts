/** `kodelet mcp list`: the configured MCP servers, whether they start, and the tools they offer. */
import { UserFacingError } from "../errors.ts";
import { escapeControl } from "../safe_text.ts";
import type { Redactor } from "../telemetry/mod.ts";
import type { McpServerStatus } from "../tools/mod.ts";
import type { Command } from "./command.ts";

const DESCRIPTION_WIDTH = 80;

function firstLine(text: string): string {
  const line = (text.split("\n")[0] ?? "").trim();
  return line.length > DESCRIPTION_WIDTH ? line.slice(0, DESCRIPTION_WIDTH - 1) + "…" : line;
}

/** The text view: one block per server, its tools indented under it. Servers' words are escaped. */
export function formatMcpList(statuses: McpServerStatus[], redact: Redactor): string {
  const lines: string[] = [];
  for (const status of statuses) {
    const state = status.state === "failed" ? `failed: ${status.reason ?? "unknown"}` : status.state;
    const count = status.state === "ok"
      ? ` · ${status.tools.length} tool${status.tools.length === 1 ? "" : "s"}`
      : "";
    lines.push(escapeControl(redact(`${status.name} · ${status.transport} · ${state}${count}`)));
    lines.push(
      escapeControl(redact(`  ${status.transport === "stdio" ? "command" : "url"}: ${status.target}`)),
    );
    const width = Math.max(0, ...status.tools.map((tool) => tool.name.length));
    for (const tool of status.tools) {
      const mode = tool.readOnly ? "read-only" : "         ";
      lines.push(
        escapeControl(`  ${tool.name.padEnd(width)}  ${mode}  ${firstLine(tool.description)}`.trimEnd()),
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** The JSON view, with snake_case keys like kodelet's other JSON output. */
export function mcpListJson(statuses: McpServerStatus[], redact: Redactor): string {
  const servers = statuses.map((status) => ({
    name: status.name,
    transport: status.transport,
    target: redact(status.target),
    state: status.state,
    ...(status.reason !== undefined ? { reason: redact(status.reason) } : {}),
    tools: status.tools.map((tool) => ({
      name: tool.name,
      tool: tool.tool,
      description: tool.description,
      read_only: tool.readOnly,
    })),
  }));
  return JSON.stringify({ servers }, null, 2) + "\n";
}

/** `mcp list`. */
export const mcpListCommand: Command = {
  path: ["mcp", "list"],
  summary: "configured MCP servers: transport, state (ok / failed: why / disabled) and tools",
  usage: "",
  flags: [{ name: "json", type: "boolean", description: "print JSON" }],
  args: { min: 0, max: 0 },
  async run(context) {
    const { config, io, redact } = context;
    if (config.mcp.servers.length === 0) {
      io.stderr(
        'no MCP servers configured: add them under mcp.servers in kodelet-config.yaml (see README "MCP")\n',
      );
      return 0;
    }
    const { McpManager } = await import("../tools/mod.ts");
    const manager = new McpManager(config.mcp, { cwd: config.cwd, log: context.log });
    let statuses: McpServerStatus[];
    try {
      statuses = await manager.start();
    } finally {
      await manager.close();
    }
    io.stdout(
      context.args.flags.json === true ? mcpListJson(statuses, redact) : formatMcpList(statuses, redact),
    );
    const failed = statuses.filter((status) => status.state === "failed");
    if (failed.length > 0) {
      const names = failed.map((status) => status.name).join(", ");
      throw new UserFacingError(
        `${failed.length} MCP server${failed.length === 1 ? "" : "s"} failed to start: ${names}`,
      );
    }
    return 0;
  },
};
