/**
 * Permissions on MCP tools, end to end with kodelet's fixture MCP server over stdio: in ask mode an
 * MCP tool needs approval (a headless run refuses it and the server never sees the call), rules name
 * one tool (`mcp__fx__echo`) or a whole server (`mcp__fx`), a deny rule wins over a server-wide
 * allow, and read-only mode offers only the tools the server marks `readOnlyHint`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { agentFixture } from "../support/agent_fixture.ts";
import { fixtureStdio } from "../support/mcp/servers.ts";
import { runKodelet } from "../support/run_kodelet.ts";

interface Outcome {
  code: number;
  stderr: string;
  /** Tools the server received calls for, in order. */
  received: string[];
  /** Tool names offered to the model in the first request. */
  offered: string[];
  /** The tool results the model got back, by tool call id. */
  results: Record<string, string>;
}

/** One run whose model calls echo and write_note at once, under the given permission flags. */
async function runWith(flags: string[]): Promise<Outcome> {
  await using f = await agentFixture("sk-ant-test-mcp-perm-0123456789");
  const record = join(f.work, "received.jsonl");
  const server = await fixtureStdio("fx", { env: { MCP_FIXTURE_RECORD: record } });
  const document = {
    mcp: { servers: { fx: { command: server.command, args: server.args, env: server.env } } },
  };
  await Deno.writeTextFile(join(f.base, "config.yaml"), JSON.stringify(document));
  f.llm.enqueue(
    {
      kind: "message",
      toolCalls: [
        { id: "toolu_echo", name: "mcp__fx__echo", input: { message: "hi" } },
        { id: "toolu_note", name: "mcp__fx__write_note", input: { text: "remember" } },
      ],
    },
    { kind: "message", text: "done" },
  );
  const result = await runKodelet(["run", ...flags, "go"], {
    env: f.env({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }),
    cwd: f.work,
  });
  let received: string[] = [];
  try {
    received = (await Deno.readTextFile(record)).trim().split("\n").map((line) =>
      (JSON.parse(line) as { tool: string }).tool
    );
  } catch {
    // No call reached the server.
  }
  const offered =
    (f.llm.requests[0]?.body as { tools?: { name: string }[] } | undefined)?.tools?.map((tool) =>
      tool.name
    ) ?? [];
  const results: Record<string, string> = {};
  const last = (f.llm.requests[1]?.body as { messages?: { content: unknown }[] } | undefined)?.messages?.at(
    -1,
  );
  for (const block of (Array.isArray(last?.content) ? last.content : []) as Record<string, unknown>[]) {
    if (block.type === "tool_result") results[String(block.tool_use_id)] = JSON.stringify(block.content);
  }
  return { code: result.code, stderr: result.stderr, received, offered, results };
}

Deno.test("ask mode: an MCP tool needs approval; headless, both calls are refused and never reach the server", async () => {
  const outcome = await runWith([]);
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.deepEqual(outcome.received, []);
  assert.match(outcome.results.toolu_echo ?? "", /Not permitted: mcp__fx__echo/);
  assert.match(outcome.results.toolu_note ?? "", /Not permitted: mcp__fx__write_note/);
});

Deno.test("--allow mcp__fx__echo allows that tool only", async () => {
  const outcome = await runWith(["--allow", "mcp__fx__echo"]);
  assert.deepEqual(outcome.received, ["echo"]);
  assert.match(outcome.results.toolu_echo ?? "", /echo: hi/);
  assert.match(outcome.results.toolu_note ?? "", /Not permitted: mcp__fx__write_note/);
});

Deno.test("--allow mcp__fx allows the whole server; --deny mcp__fx__write_note still wins for that tool", async () => {
  const allowed = await runWith(["--allow", "mcp__fx"]);
  assert.deepEqual(allowed.received, ["echo", "write_note"]);
  const denied = await runWith(["--allow", "mcp__fx", "--deny", "mcp__fx__write_note"]);
  assert.deepEqual(denied.received, ["echo"]);
  assert.match(denied.results.toolu_note ?? "", /mcp__fx__write_note/);
});

Deno.test("read-only mode offers only the MCP tools the server marks readOnlyHint", async () => {
  const outcome = await runWith(["--permission-mode", "read-only"]);
  const mcp = outcome.offered.filter((name) => name.startsWith("mcp__"));
  assert.deepEqual(mcp, ["mcp__fx__echo", "mcp__fx__add", "mcp__fx__picture"]);
  assert.ok(
    !outcome.received.includes("write_note"),
    "a tool with side effects never runs in read-only mode",
  );
});
