/**
 * The waterfall and the trace list against golden files, for a fixed trace (an agent run with two LLM
 * calls, a failing bash call and a file read) at 80 and 120 columns, with and without colour.
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review the diff.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { formatTraceTable } from "../../lib/cli/trace_table.ts";
import { groupTraces, readRunFile, type StoredTrace } from "../../lib/trace_store/store.ts";
import { summarize } from "../../lib/trace_store/summary.ts";
import { renderWaterfall } from "../../lib/cli/trace_viewer.ts";
import { formatCompact, formatCost, formatDuration } from "../../lib/cli/format.ts";
import { padLeft, padRight, truncate, widthOf } from "../../lib/cli/columns.ts";

const FIXTURE = fileURLToPath(new URL("../testdata/trace_store/fixed_trace.jsonl", import.meta.url));
const GOLDEN_DIR = new URL("../testdata/golden/", import.meta.url);
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

async function fixedTrace(): Promise<StoredTrace> {
  const { spans, warnings } = await readRunFile(FIXTURE);
  assert.deepEqual(warnings, []);
  const [trace] = groupTraces(spans);
  assert.ok(trace);
  return trace;
}

async function assertGolden(name: string, actual: string): Promise<void> {
  const url = new URL(name, GOLDEN_DIR);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    await Deno.mkdir(GOLDEN_DIR, { recursive: true });
    await Deno.writeTextFile(url, actual);
  }
  assert.equal(actual, await Deno.readTextFile(url), `differs from tests/testdata/golden/${name}`);
}

for (const width of [80, 120]) {
  for (const color of [false, true]) {
    const name = `trace_show_${width}${color ? "_color" : ""}.txt`;
    Deno.test(`waterfall of the fixed trace at ${width} columns ${color ? "with" : "without"} colour matches ${name}`, async () => {
      const output = renderWaterfall(await fixedTrace(), { width, color, utc: true });
      await assertGolden(name, output);
      const plain = output.replace(ANSI, "");
      for (const line of plain.split("\n")) {
        assert.ok(Array.from(line).length <= width, `line wider than ${width}: ${JSON.stringify(line)}`);
      }
      if (!color) assert.doesNotMatch(output, ANSI);
      else assert.ok(output.includes("\x1b[31m"), "errors are red");
    });
  }
}

Deno.test("waterfall shows model and tokens of chat spans, exit code and error of the failed tool", async () => {
  const plain = renderWaterfall(await fixedTrace(), { width: 80, color: false, utc: true });
  assert.match(plain, /model claude-sonnet-4-5-20250929 · tokens 1,200 in \/ 85 out · \$0\.0049/);
  assert.match(plain, /execute_tool bash .*1\.75s ERROR\n.*exit 1\n.*! error: exit code 1: npm test failed/);
  assert.match(plain, /2 LLM calls · 2 tool calls · 3,995 tokens \(3,600 in \/ 395 out\) · \$0\.0167/);
});

Deno.test("waterfall bars are placed and sized on the trace's time axis", async () => {
  const plain = renderWaterfall(await fixedTrace(), { width: 80, color: false, utc: true });
  const barOf = (name: string) => {
    const line = plain.split("\n").find((text) => text.includes(name)) ?? "";
    const start = line.indexOf("█");
    return { start, length: line.lastIndexOf("█") - start + 1 };
  };
  const root = barOf("cmd.run");
  const firstChat = barOf("├─ chat");
  const lastChat = barOf("└─ chat");
  assert.ok(root.length > 30, "the root spans the whole axis");
  assert.equal(firstChat.start, root.start, "the first LLM call starts with the trace");
  assert.ok(
    lastChat.start > firstChat.start + firstChat.length,
    "the second LLM call starts after the first ended",
  );
  assert.ok(lastChat.length > firstChat.length * 2, "7.3 s is drawn longer than 3.15 s");
});

Deno.test("a span whose parent is not in the store is drawn as a root", async () => {
  const trace = await fixedTrace();
  const orphaned = { ...trace, spans: trace.spans.filter((span) => span.name !== "invoke_agent kodelet") };
  const plain = renderWaterfall(orphaned, { width: 80, color: false, utc: true });
  assert.match(plain, /^chat claude-sonnet-4-5 /m);
  assert.match(plain, /^cmd\.run /m);
});

Deno.test("summary of the fixed trace counts LLM and tool calls, tokens, cost and failures", async () => {
  const summary = summarize(await fixedTrace());
  assert.deepEqual(
    { ...summary, costUsd: Number(summary.costUsd?.toFixed(6)) },
    {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      startMs: Date.UTC(2026, 0, 1, 10),
      durationMs: 12_500,
      command: "run",
      status: "ok",
      spanCount: 6,
      errorCount: 1,
      llmCalls: 2,
      toolCalls: 2,
      inputTokens: 3600,
      outputTokens: 395,
      costUsd: 0.0167,
    },
  );
});

Deno.test("trace list table of the fixed trace at 80 and 120 columns matches the golden files", async () => {
  const summary = summarize(await fixedTrace());
  const failed = {
    ...summary,
    traceId: "0123456789abcdef0123456789abcdef",
    command: "conversation list",
    status: "error" as const,
  };
  for (const width of [80, 120]) {
    const table = formatTraceTable([summary, failed], { width, color: false, utc: true });
    await assertGolden(`trace_list_${width}.txt`, table);
    for (const line of table.split("\n")) assert.ok(line.length <= width);
  }
});

Deno.test("formatting helpers: durations, compact counts and money", () => {
  assert.deepEqual(
    [0.42, 12, 999.6, 3400, 59_999, 125_000, 4_020_000].map(formatDuration),
    ["0.42ms", "12ms", "1.00s", "3.40s", "1m00s", "2m05s", "1h07m"],
  );
  assert.deepEqual([950, 12_345, 123_456, 1_234_567].map(formatCompact), ["950", "12,345", "123k", "1.2M"]);
  assert.deepEqual([0.0049, 0.5, 12.345].map((usd) => formatCost(usd)), ["$0.0049", "$0.5000", "$12.35"]);
  assert.equal(formatCost(undefined), "-");
  assert.equal(formatCost(undefined, "cost unknown"), "cost unknown");
});

Deno.test("text helpers count terminal columns: CJK and emoji take two, escapes none, cuts keep characters whole", () => {
  assert.equal(widthOf("日本語"), 6);
  assert.equal(widthOf("ok 👍"), 5);
  assert.equal(widthOf("\x1b[31mred\x1b[39m"), 3);
  for (const width of [1, 2, 3, 4, 5, 6, 7]) {
    assert.equal(widthOf(padRight("日本語テキスト", width)), width, `padRight to ${width}`);
    assert.equal(widthOf(padLeft("👍👍👍👍", width)), width, `padLeft to ${width}`);
  }
  assert.equal(truncate("日本語", 4), "日…");
  assert.equal(truncate("日本語", 6), "日本語");
});
