/**
 * `kodelet usage` as a user runs it, over a fixed store of events (tests/testdata/usage/events.jsonl:
 * three runs over three days, two models, a retried and a failed LLM call, tool calls that failed and
 * were cancelled, lines added and removed, and one damaged line), against golden files. Run with
 * UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseSince } from "../../lib/cli/usage.ts";
import { linesOf, runKodelet, tempDir } from "../support/run_kodelet.ts";

const GOLDEN_DIR = new URL("../testdata/golden/", import.meta.url);
const EVENTS = new URL("../testdata/usage/events.jsonl", import.meta.url);

async function matchesGolden(name: string, actual: string): Promise<void> {
  const url = new URL(name, GOLDEN_DIR);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(url, actual);
  assert.equal(actual, await Deno.readTextFile(url), `differs from tests/testdata/golden/${name}`);
}

async function usage(args: string[]) {
  await using base = await tempDir("kodelet-usage-");
  await Deno.mkdir(join(base.path, "traces", "signals"), { recursive: true });
  await Deno.copyFile(EVENTS, join(base.path, "traces", "signals", "events.jsonl"));
  return await runKodelet(["usage", ...args], { env: { KODELET_BASE_PATH: base.path } });
}

for (const by of [undefined, "day", "model", "command", "tool"] as const) {
  Deno.test(`usage --since 2026-11-01${by ? ` --by ${by}` : ""} matches its golden file`, async () => {
    const result = await usage(["--since", "2026-11-01", ...(by ? ["--by", by] : [])]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    await matchesGolden(`usage_${by ?? "total"}.txt`, result.stdout);
  });
}

Deno.test("usage --json --by model matches its golden file; the day before --since is left out", async () => {
  const result = await usage(["--since", "2026-11-01", "--by", "model", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  await matchesGolden("usage_model.json", result.stdout);
  const all = JSON.parse((await usage(["--since", "2026-10-01", "--json"])).stdout) as {
    rows: { llmCalls: number }[];
  };
  assert.equal(all.rows[0]?.llmCalls, 5, "2026-10-30's call counts from an earlier --since");
});

Deno.test("usage with an empty store says where it looked and how to record usage", async () => {
  await using base = await tempDir("kodelet-usage-");
  const result = await runKodelet(["usage"], { env: { KODELET_BASE_PATH: base.path } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^No usage recorded since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC in .*traces/);
});

Deno.test("usage with a bad --since or --by is one line naming the value, exit code 2", async () => {
  for (const [flag, value] of [["--since", "yesterday"], ["--since", "7w"], ["--by", "month"]]) {
    const result = await usage([flag as string, value as string]);
    assert.equal(result.code, 2, result.stderr);
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0] ?? "",
      new RegExp(`^kodelet: Invalid ${flag} "${value}" \\(from the command line\\): `),
    );
  }
});

Deno.test("parseSince reads durations back from now and dates as the start of that UTC day", () => {
  const now = Date.parse("2026-11-08T12:00:00Z");
  assert.equal(parseSince("7d", now), Date.parse("2026-11-01T12:00:00Z"));
  assert.equal(parseSince("24h", now), Date.parse("2026-11-07T12:00:00Z"));
  assert.equal(parseSince("30m", now), Date.parse("2026-11-08T11:30:00Z"));
  assert.equal(parseSince("2026-11-01", now), Date.parse("2026-11-01T00:00:00Z"));
  assert.equal(parseSince("2026-11-01T08:00:00Z", now), Date.parse("2026-11-01T08:00:00Z"));
});
