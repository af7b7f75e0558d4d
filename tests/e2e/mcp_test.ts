/**
 * MCP end to end: kodelet as a subprocess, configured in YAML with kodelet's fixture MCP server over
 * stdio, against the scripted LLM server and the OTLP receiver. A model that calls an MCP tool gets
 * its result; the trace holds `tools/call <tool>` under `execute_tool mcp__<server>__<tool>`; the
 * server's process is gone when kodelet exits; `mcp list` matches its golden output.
 *
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review the diff.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { McpServerConfig } from "../../lib/config/mod.ts";
import { type AgentFixture, agentFixture } from "../support/agent_fixture.ts";
import { alive, fixtureStdio, STDIO_FIXTURE } from "../support/mcp/servers.ts";
import type { ReceivedSpan } from "../support/otlp_receiver.ts";
import { DENO_JSON, kodeletCommand, linesOf, parentDenoDir, runKodelet } from "../support/run_kodelet.ts";

const GOLDEN_DIR = new URL("../testdata/golden/", import.meta.url);
const API_KEY = "sk-ant-test-mcp-0123456789";

interface Fixture extends AgentFixture {
  /** Writes the user's config.yaml with these servers (YAML is a superset of JSON). */
  configure(servers: McpServerConfig[], extra?: Record<string, unknown>): Promise<void>;
}

/** A config-file entry for a server (the parsed form has fields a file does not). */
function entry(server: McpServerConfig): Record<string, unknown> {
  if (server.transport === "http") {
    return { url: server.url, headers: server.headers, enabled: server.enabled };
  }
  return { command: server.command, args: server.args, env: server.env, enabled: server.enabled };
}

async function fixture(): Promise<Fixture> {
  const base = await agentFixture(API_KEY);
  return Object.assign(base, {
    async configure(servers: McpServerConfig[], extra: Record<string, unknown> = {}) {
      const document = {
        mcp: { servers: Object.fromEntries(servers.map((server) => [server.name, entry(server)])), ...extra },
      };
      await Deno.writeTextFile(join(base.base, "config.yaml"), JSON.stringify(document, null, 2));
    },
  });
}

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((span) => span.name === name);
  assert.equal(found.length, 1, `one ${name} among ${spans.map((span) => span.name).join(", ")}`);
  return found[0] as ReceivedSpan;
}

async function assertGolden(name: string, actual: string): Promise<void> {
  const url = new URL(name, GOLDEN_DIR);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(url, actual);
  assert.equal(actual, await Deno.readTextFile(url), `differs from tests/testdata/golden/${name}`);
}

Deno.test("run: the model calls an MCP tool over stdio, gets its result, and the trace nests tools/call under execute_tool", async () => {
  await using f = await fixture();
  const record = join(f.work, "received.jsonl");
  const pids = join(f.work, "pids.txt");
  await f.configure([
    await fixtureStdio("fx", { env: { MCP_FIXTURE_RECORD: record, MCP_FIXTURE_PID: pids } }),
  ]);
  f.llm.enqueue(
    {
      kind: "message",
      toolCalls: [{ id: "toolu_1", name: "mcp__fx__echo", input: { message: "from the model" } }],
    },
    { kind: "message", text: "The server echoed it." },
  );
  // MCP tools ask in ask mode; a rule naming the server allows all of its tools.
  const result = await runKodelet(["run", "--allow", "mcp__fx", "say", "hi"], { env: f.env(), cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /The server echoed it\./);
  assert.match(result.stderr, /→ mcp__fx__echo: /);

  // The first request offered the server's tools with their JSON Schemas.
  const offered =
    (f.llm.requests[0]?.body as { tools: { name: string; input_schema: { properties: object } }[] })
      .tools;
  const echo = offered.find((tool) => tool.name === "mcp__fx__echo");
  assert.ok(echo, offered.map((tool) => tool.name).join(", "));
  assert.ok("message" in echo.input_schema.properties);
  assert.ok(offered.some((tool) => tool.name === "bash"), "next to the built-in tools");
  // The second carried the server's answer as the tool result.
  const second = JSON.stringify((f.llm.requests[1]?.body as { messages: unknown[] }).messages.at(-1));
  assert.match(second, /echo: from the model/);

  const spans = await f.receiver.waitForSpans(7);
  const root = only(spans, "cmd.run");
  const tool = only(spans, "execute_tool mcp__fx__echo");
  const call = only(spans, "tools/call echo");
  const initialize = only(spans, "initialize");
  assert.equal(call.parentSpanId, tool.spanId);
  assert.equal(call.kind, 3, "CLIENT");
  assert.equal(call.attributes["mcp.method.name"], "tools/call");
  assert.equal(call.attributes["network.transport"], "pipe");
  assert.equal(initialize.parentSpanId, root.spanId);
  for (const span of spans) assert.equal(span.traceId, root.traceId);
  const received = JSON.parse((await Deno.readTextFile(record)).trim()) as { meta: { traceparent?: string } };
  assert.equal(received.meta.traceparent, `00-${root.traceId}-${call.spanId}-01`);

  // The MCP call counts in the tool metrics like any tool call.
  const isEcho = (point: { name: string; attributes: Record<string, unknown> }) =>
    point.name === "kodelet.tool.calls" && point.attributes["gen_ai.tool.name"] === "mcp__fx__echo";
  await f.receiver.waitFor(({ metrics }) => metrics.some(isEcho), 15_000);
  const counted = f.receiver.metrics.filter(isEcho);
  assert.deepEqual(counted.map((point) => [point.attributes.outcome, point.value]), [["ok", 1]]);

  // kodelet ended the server's process on its way out.
  const pid = Number((await Deno.readTextFile(pids)).trim());
  for (let wait = 0; wait < 40 && alive(pid); wait++) await new Promise((done) => setTimeout(done, 50));
  assert.equal(alive(pid), false, "the MCP server's process is gone after kodelet exits");
});

Deno.test("run: an MCP server that fails to start is one line on stderr, and the run goes on without it", async () => {
  await using f = await fixture();
  await f.configure([await fixtureStdio("broken", { flags: ["--exit-at-start"] })]);
  f.llm.enqueue({ kind: "message", text: "Fine without it." });
  const result = await runKodelet(["run", "hello"], {
    env: f.env({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }),
    cwd: f.work,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Fine without it\./);
  const lines = linesOf(result.stderr).filter((line) => line.includes("MCP"));
  assert.deepEqual(lines, [
    'kodelet: MCP server "broken" failed to start: the server exited before it answered (stderr: fixture: cannot start (on purpose))',
  ]);
  const offered = (f.llm.requests[0]?.body as { tools: { name: string }[] }).tools.map((tool) => tool.name);
  assert.ok(!offered.some((name) => name.startsWith("mcp__")));
});

Deno.test("run: trace show draws the MCP client span under the agent's tool span", async () => {
  await using f = await fixture();
  await f.configure([await fixtureStdio("fx")]);
  f.llm.enqueue(
    { kind: "message", toolCalls: [{ id: "toolu_1", name: "mcp__fx__add", input: { a: 2, b: 40 } }] },
    { kind: "message", text: "42." },
  );
  // No endpoint: the spans go to the local store, which trace show reads.
  const env = f.env({ OTEL_EXPORTER_OTLP_ENDPOINT: "", KODELET_TRACING_ENABLED: "true" });
  const run = await runKodelet(["run", "--allow", "mcp__fx__add", "add"], { env, cwd: f.work });
  assert.equal(run.code, 0, run.stderr);
  const shown = await runKodelet(["trace", "show", "last"], { env: { ...env, COLUMNS: "120" }, cwd: f.work });
  assert.equal(shown.code, 0, shown.stderr);
  const lines = linesOf(shown.stdout);
  const toolLine = lines.findIndex((line) => line.includes("execute_tool mcp__fx__add"));
  const callLine = lines.findIndex((line) => line.includes("tools/call add"));
  assert.ok(toolLine >= 0 && callLine === toolLine + 1, shown.stdout);
  const indent = (line: string) => line.search(/[a-z]/i);
  assert.ok(indent(lines[callLine] ?? "") > indent(lines[toolLine] ?? ""), "tools/call is drawn as a child");
});

/** The servers of the `mcp list` golden files: one that works, one disabled, one that cannot start. */
async function listServers(): Promise<McpServerConfig[]> {
  return [
    await fixtureStdio("fx"),
    { ...(await fixtureStdio("later")), enabled: false },
    {
      name: "remote",
      transport: "http",
      url: "https://mcp.example.com/mcp?token=${MCP_TOKEN}",
      headers: {},
      enabled: false,
      missing: [],
    },
    { ...(await fixtureStdio("missing")), command: "kodelet-no-such-mcp-server", args: ["--port", "1"] },
  ];
}

/** Machine-specific paths replaced by placeholders, so the golden files hold on any machine. */
function portable(text: string): string {
  return text.replaceAll(Deno.execPath(), "<deno>").replaceAll(DENO_JSON, "<deno.json>").replaceAll(
    STDIO_FIXTURE,
    "<fixture>",
  );
}

Deno.test("mcp list shows each server's transport, state and tools (golden), and exits 1 when one failed", async () => {
  await using f = await fixture();
  await f.configure(await listServers());
  const result = await runKodelet(["mcp", "list"], {
    env: f.env({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }),
    cwd: f.work,
  });
  await assertGolden("mcp_list.txt", portable(result.stdout));
  assert.equal(result.stderr, "kodelet: 1 MCP server failed to start: missing\n");
  assert.equal(result.code, 1);
});

Deno.test("mcp list --json (golden)", async () => {
  await using f = await fixture();
  await f.configure(await listServers());
  const result = await runKodelet(["mcp", "list", "--json"], {
    env: f.env({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }),
    cwd: f.work,
  });
  await assertGolden("mcp_list.json", portable(result.stdout));
  assert.equal(result.code, 1);
});

Deno.test("mcp list: no servers is a hint on stderr and exit 0; a bad entry is a usage error", async () => {
  await using f = await fixture();
  const none = await runKodelet(["mcp", "list"], { env: f.env(), cwd: f.work });
  assert.equal(none.code, 0);
  assert.equal(none.stdout, "");
  assert.match(none.stderr, /^no MCP servers configured: add them under mcp\.servers/);
  await Deno.writeTextFile(join(f.base, "config.yaml"), "mcp:\n  servers:\n    gh:\n      url: 42\n");
  const bad = await runKodelet(["mcp", "list"], { env: f.env(), cwd: f.work });
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    `kodelet: Invalid mcp.servers.gh.url "42" (from ${
      join(f.base, "config.yaml")
    }): must be an absolute http:// or https:// URL\n`,
  );
});

Deno.test("mcp.servers in a project's kodelet-config.yaml count only once the directory is trusted", async () => {
  await using f = await fixture();
  const servers = { mcp: { servers: { fx: entry(await fixtureStdio("fx")) } } };
  await Deno.writeTextFile(join(f.work, "kodelet-config.yaml"), JSON.stringify(servers));
  const env = f.env({ OTEL_EXPORTER_OTLP_ENDPOINT: "" });
  const untrusted = await runKodelet(["mcp", "list"], { env, cwd: f.work });
  assert.equal(untrusted.code, 0);
  assert.match(
    untrusted.stderr,
    /Ignored mcp\.servers in .*kodelet-config\.yaml: this directory is not trusted/,
  );
  assert.match(untrusted.stderr, /no MCP servers configured/);
  const trust = await runKodelet(["trust"], { env, cwd: f.work });
  assert.equal(trust.code, 0, trust.stderr);
  const trusted = await runKodelet(["mcp", "list"], { env, cwd: f.work });
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.match(trusted.stdout, /^fx · stdio · ok · 7 tools$/m);
});

/** Polls until fn is true (a file appeared, a process ended); false after about 10 s. */
async function eventually(fn: () => boolean | Promise<boolean>): Promise<boolean> {
  for (let wait = 0; wait < 200; wait++) {
    if (await fn()) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}

async function textOf(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

Deno.test("Ctrl-C during an MCP tool call: exit 130, the call's spans end as errors, the server's process is gone", async () => {
  await using f = await fixture();
  const record = join(f.work, "received.jsonl");
  const pids = join(f.work, "pids.txt");
  await f.configure([
    await fixtureStdio("fx", { env: { MCP_FIXTURE_RECORD: record, MCP_FIXTURE_PID: pids } }),
  ]);
  f.llm.enqueue({ kind: "message", toolCalls: [{ id: "toolu_1", name: "mcp__fx__hang", input: {} }] });
  const child = new Deno.Command(Deno.execPath(), {
    // kodeletCommand's words after the deno executable.
    args: kodeletCommand(["run", "--allow", "mcp__fx", "wait", "forever"]).slice(1),
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: await parentDenoDir(),
      HOME: f.work,
      NO_COLOR: "1",
      ...f.env({ KODELET_TRACING_DELIVERY: "wait" }),
    },
    cwd: f.work,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reached = await eventually(async () => (await textOf(record)).includes('"hang"'));
  child.kill("SIGINT");
  const output = await child.output();
  assert.ok(reached, "the hang call reached the server");
  assert.equal(output.code, 130, new TextDecoder().decode(output.stderr));
  const pid = Number((await textOf(pids)).trim());
  assert.ok(await eventually(() => !alive(pid)), "the MCP server's process is gone after Ctrl-C");
  const spans = await f.receiver.waitForSpans(5);
  for (const name of ["execute_tool mcp__fx__hang", "tools/call hang"]) {
    const span = spans.find((candidate) => candidate.name === name);
    assert.ok(span, `${name} among ${spans.map((candidate) => candidate.name).join(", ")}`);
    assert.equal(span.status.code, 2, `${name} ends as an error`);
    assert.equal(span.attributes["error.type"], "cancelled", name);
  }
});
