/**
 * The MCP manager against real servers: the reference server-everything and kodelet's fixture server
 * over stdio, the fixture over Streamable HTTP in-process, and servers that fail to start, crash
 * mid-call or never answer. No tracing here (see tracing_test.ts).
 */
import assert from "node:assert/strict";
import type { McpConfig, McpServerConfig } from "../../../lib/config/mod.ts";
import { silentLogger } from "../../../lib/log.ts";
import { McpManager, type McpServerStatus } from "../../../lib/tools/mcp/mod.ts";
import type { Tool, ToolResult } from "../../../lib/tools/tool.ts";
import { testContext } from "../_context.ts";
import { startMcpHttpServer } from "../../support/mcp/http_server.ts";
import { startMcpSseServer } from "../../support/mcp/sse_server.ts";
import { alive, everythingStdio, fixtureStdio, httpServer } from "../../support/mcp/servers.ts";

async function withManager<T>(
  servers: McpServerConfig[],
  fn: (manager: McpManager, statuses: McpServerStatus[]) => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<T> {
  const config: McpConfig = { servers, timeoutMs };
  const manager = new McpManager(config, { cwd: Deno.cwd(), log: silentLogger });
  try {
    return await fn(manager, await manager.start());
  } finally {
    await manager.close();
  }
}

function toolNamed(manager: McpManager, name: string): Tool {
  const tool = manager.tools().find((candidate) => candidate.name === name);
  assert.ok(tool, `${name} among ${manager.tools().map((candidate) => candidate.name).join(", ")}`);
  return tool;
}

function call(manager: McpManager, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return toolNamed(manager, name).execute(args, testContext(Deno.cwd()).ctx);
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function pidsIn(file: string): Promise<number[]> {
  return (await Deno.readTextFile(file)).trim().split("\n").filter((line) => line !== "").map(Number);
}

function statusOf(statuses: McpServerStatus[], name: string): McpServerStatus {
  const status = statuses.find((candidate) => candidate.name === name);
  assert.ok(status, name);
  return status;
}

Deno.test("mcp: server-everything over stdio offers echo and get-sum as mcp__everything__*, read-only as it says", async () => {
  await withManager([await everythingStdio()], async (manager, statuses) => {
    const status = statusOf(statuses, "everything");
    assert.equal(status.state, "ok", status.reason);
    assert.equal(status.transport, "stdio");
    const echo = toolNamed(manager, "mcp__everything__echo");
    assert.equal(echo.readOnly, true);
    assert.equal((echo.inputSchema as { type?: string }).type, "object");
    assert.ok("message" in ((echo.inputSchema as { properties?: object }).properties ?? {}));
    assert.equal(toolNamed(manager, "mcp__everything__gzip-file-as-resource").readOnly, false);
    assert.deepEqual(await call(manager, "mcp__everything__echo", { message: "hello" }), {
      ok: true,
      output: "Echo: hello",
    });
    assert.deepEqual(await call(manager, "mcp__everything__get-sum", { a: 2, b: 3 }), {
      ok: true,
      output: "The sum of 2 and 3 is 5.",
    });
  });
});

Deno.test("mcp: the fixture over stdio and over Streamable HTTP start in parallel and answer", async () => {
  await using http = startMcpHttpServer();
  await withManager([await fixtureStdio("fx"), httpServer("web", http.url)], async (manager, statuses) => {
    assert.deepEqual(statuses.map((status) => [status.name, status.state]), [["fx", "ok"], ["web", "ok"]]);
    assert.deepEqual(
      manager.tools().map((tool) => tool.name).filter((name) => name.startsWith("mcp__web__")),
      ["echo", "add", "write_note", "picture", "fail", "crash", "hang"].map((tool) => `mcp__web__${tool}`),
    );
    assert.equal(toolNamed(manager, "mcp__web__write_note").readOnly, false);
    assert.deepEqual(await call(manager, "mcp__fx__add", { a: 40, b: 2 }), { ok: true, output: "42" });
    assert.deepEqual(await call(manager, "mcp__web__echo", { message: "over http" }), {
      ok: true,
      output: "echo: over http",
    });
    assert.equal(http.calls.length, 1);
    assert.equal(typeof http.calls[0]?.sessionId, "string");
  });
});

Deno.test("mcp: images become a note, resources their text, isError a tool error", async () => {
  await withManager([await fixtureStdio()], async (manager) => {
    assert.deepEqual(await call(manager, "mcp__fx__picture", {}), {
      ok: true,
      output: "a pixel\n[image image/png, 72 bytes: not shown]\n[resource note://1]\nresource text",
    });
    assert.deepEqual(await call(manager, "mcp__fx__fail", {}), {
      ok: false,
      error: { kind: "tool_error", message: "the fixture failed on purpose" },
    });
    const invalid = await call(manager, "mcp__fx__add", { a: "two" });
    assert.equal(invalid.ok, false);
  });
});

Deno.test("mcp: a server that crashes mid-call is a tool error naming it, and stays down", async () => {
  await withManager([await fixtureStdio()], async (manager) => {
    const crashed = await call(manager, "mcp__fx__crash", {});
    assert.equal(crashed.ok, false);
    assert.ok(!crashed.ok && crashed.error.kind === "mcp_server_down", JSON.stringify(crashed));
    assert.match(crashed.error.message, /MCP server "fx" is not running: the server closed the connection/);
    assert.match(
      crashed.error.message,
      /fixture: crashing on purpose/,
      "the server's last stderr line says why",
    );
    const after = await call(manager, "mcp__fx__echo", { message: "still there?" });
    assert.deepEqual(after, {
      ok: false,
      error: {
        kind: "mcp_server_down",
        message:
          'MCP server "fx" is not running: the server closed the connection (stderr: fixture: crashing on purpose)',
      },
    });
  });
});

Deno.test("mcp: a tool that never answers is a timeout error after mcp.timeout, and the server stays usable", async () => {
  await withManager([await fixtureStdio()], async (manager) => {
    const started = performance.now();
    const hung = await call(manager, "mcp__fx__hang", {});
    assert.deepEqual(hung, {
      ok: false,
      error: { kind: "timeout", message: 'MCP server "fx" did not answer hang within 2s' },
    });
    assert.ok(performance.now() - started < 15_000, "bounded by the timeout, not hanging");
    assert.deepEqual(await call(manager, "mcp__fx__echo", { message: "after" }), {
      ok: true,
      output: "echo: after",
    });
  }, 2000);
});

Deno.test("mcp: a cancelled call ends at once with kind cancelled", async () => {
  await withManager([await fixtureStdio()], async (manager) => {
    const controller = new AbortController();
    const pending = toolNamed(manager, "mcp__fx__hang").execute(
      {},
      testContext(Deno.cwd(), { signal: controller.signal }).ctx,
    );
    setTimeout(() => controller.abort(), 200);
    assert.deepEqual(await pending, {
      ok: false,
      error: { kind: "cancelled", message: "Cancelled by the user" },
    });
  });
});

Deno.test("mcp: servers that fail to start say why, without stopping the others", async () => {
  const missingCommand: McpServerConfig = {
    ...(await fixtureStdio("nocmd")),
    command: "kodelet-no-such-mcp-server",
  };
  const unset: McpServerConfig = { ...(await fixtureStdio("token")), missing: ["MCP_TEST_TOKEN"] };
  const disabled: McpServerConfig = { ...(await fixtureStdio("off")), enabled: false };
  const nohttp = httpServer("nohttp", `http://127.0.0.1:${closedPort()}/mcp`);
  const servers = [
    await fixtureStdio("fx"),
    missingCommand,
    await fixtureStdio("dies", { flags: ["--exit-at-start"] }),
    await fixtureStdio("mute", { flags: ["--silent-at-start"] }),
    unset,
    disabled,
    nohttp,
  ];
  const started = performance.now();
  await withManager(servers, (manager, statuses) => {
    const reasons = Object.fromEntries(
      statuses.map((status) => [status.name, `${status.state}: ${status.reason ?? ""}`]),
    );
    assert.deepEqual(reasons, {
      fx: "ok: ",
      nocmd: "failed: command not found: kodelet-no-such-mcp-server",
      dies: "failed: the server exited before it answered (stderr: fixture: cannot start (on purpose))",
      mute: "failed: no answer within 3s (mcp.timeout)",
      token: "failed: ${MCP_TEST_TOKEN} not set in the environment",
      off: "disabled: ",
      nohttp: reasons.nohttp?.match(/^failed: .*(refused|error sending request)/i)
        ? reasons.nohttp
        : "failed: refused",
    });
    assert.ok(manager.tools().every((tool) => tool.name.startsWith("mcp__fx__")));
    assert.ok(performance.now() - started < 20_000, "a silent server is bounded by the timeout");
  }, 3000);
});

Deno.test({
  name: "mcp: closing ends every server process, and a server that ignores stdin's end and SIGTERM is killed",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const pidFile = await Deno.makeTempFile();
    try {
      const servers = [
        await fixtureStdio("fx", { env: { MCP_FIXTURE_PID: pidFile } }),
        await fixtureStdio("mute", { flags: ["--silent-at-start"], env: { MCP_FIXTURE_PID: pidFile } }),
      ];
      const manager = new McpManager({ servers, timeoutMs: 2000 }, { cwd: Deno.cwd(), log: silentLogger });
      const statuses = await manager.start();
      assert.deepEqual(statuses.map((status) => status.state), ["ok", "failed"]);
      const pids = await pidsIn(pidFile);
      assert.equal(pids.length, 2);
      // A killed child is reaped a moment later; until then it still takes signals.
      const settle = async (expected: number) => {
        for (let wait = 0; wait < 40 && pids.filter(alive).length > expected; wait++) {
          await new Promise((done) => setTimeout(done, 50));
        }
        return pids.filter(alive).length;
      };
      assert.equal(await settle(1), 1, "the stubborn server was killed when its start failed");
      await manager.close();
      assert.equal(await settle(0), 0, "closing ended the running server");
    } finally {
      await Deno.remove(pidFile);
    }
  },
});

Deno.test("mcp: a server of the older HTTP+SSE transport is reached through the SSE fallback", async () => {
  await using sse = await startMcpSseServer();
  await withManager([httpServer("old", sse.url)], async (manager, statuses) => {
    assert.equal(statusOf(statuses, "old").state, "ok", statusOf(statuses, "old").reason);
    assert.deepEqual(await call(manager, "mcp__old__add", { a: 5, b: 6 }), { ok: true, output: "11" });
    assert.equal(sse.calls.length, 1);
  });
});
