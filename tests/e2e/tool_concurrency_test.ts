/** A response asking for many tool calls runs at most MAX_PARALLEL_TOOL_CALLS of them at once. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAX_PARALLEL_TOOL_CALLS } from "../../lib/agent/concurrency.ts";
import { startLlmServer } from "../support/llm_server.ts";
import { runKodelet, tempDir } from "../support/run_kodelet.ts";

Deno.test("run starts at most MAX_PARALLEL_TOOL_CALLS bash commands of one response at once", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  try {
    // Each command counts the commands running beside it, then holds its slot a moment.
    const command =
      'mkdir -p running; touch "running/$$"; ls running | wc -l >> counts; sleep 0.4; rm "running/$$"';
    llm.enqueue(
      {
        kind: "message",
        toolCalls: Array.from(
          { length: 24 },
          (_, i) => ({ id: `toolu_${i}`, name: "bash", input: { command } }),
        ),
      },
      { kind: "message", text: "done" },
    );
    const result = await runKodelet(["run", "--yolo", "go"], {
      cwd: home.path,
      env: {
        ANTHROPIC_API_KEY: "sk-ant-test-concurrency-0",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        KODELET_BASE_PATH: join(home.path, ".kodelet"),
      },
    });
    assert.equal(result.code, 0, result.stderr);
    const counts = (await Deno.readTextFile(join(home.path, "counts"))).trim().split("\n").map(Number);
    assert.equal(counts.length, 24);
    assert.ok(Math.max(...counts) <= MAX_PARALLEL_TOOL_CALLS, `at most ${Math.max(...counts)} ran at once`);
  } finally {
    await llm.close();
  }
});
