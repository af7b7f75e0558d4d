/**
 * A provider that cannot be reached or has to be retried, as the user sees it (issue 12): one line
 * that says which URL, why and which setting, no timestamped retry warnings; on a terminal the
 * retries are one status line rewritten in place.
 */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { closedPort, linesOf, runKodelet, tempDir } from "../support/run_kodelet.ts";
import { runInTerminal } from "../support/terminal.ts";

const KEY = "sk-ant-test-000000000000";

Deno.test("an unreachable base URL is one line naming the URL, the reason and the setting; no retry warnings", async () => {
  const base = `http://127.0.0.1:${closedPort()}`;
  const result = await runKodelet(["run", "hi"], {
    env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: base, KODELET_MAX_RETRIES: "2" },
  });
  assert.equal(result.code, 1);
  assert.deepEqual(linesOf(result.stderr), [
    `kodelet: Cannot reach Anthropic at ${base}: connection refused (nothing listens there); check ANTHROPIC_BASE_URL`,
  ]);
});

Deno.test("on a terminal, retries are one status line rewritten in place, then the answer", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  try {
    llm.enqueue(
      { kind: "error", status: 529, retryAfterMs: 50 },
      { kind: "error", status: 529, retryAfterMs: 50 },
      { kind: "message", text: "Recovered." },
    );
    const result = await runInTerminal(["run", "--no-save", "hi"], {
      input: "",
      cwd: home.path,
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl },
    });
    assert.equal(result.code, 0, result.output);
    assert.ok(
      result.output.includes(
        "\r\x1b[2Kretrying in 0.1s (529 overloaded), attempt 2 of 5" +
          "\r\x1b[2Kretrying in 0.1s (529 overloaded), attempt 3 of 5\r\x1b[2KRecovered.",
      ),
      JSON.stringify(result.output),
    );
    assert.doesNotMatch(result.output, /WARN|retrying llm request/);
  } finally {
    await llm.close();
  }
});

Deno.test("under a pipe, retries leave no trace on stderr; --output json has them as events", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl };
  try {
    llm.enqueue({ kind: "error", status: 529, retryAfterMs: 10 }, { kind: "message", text: "ok" });
    const text = await runKodelet(["run", "--no-save", "hi"], { env, cwd: home.path });
    assert.equal(text.code, 0, text.stderr);
    assert.equal(linesOf(text.stderr).length, 1, text.stderr);
    assert.match(text.stderr, /^kodelet: 1 turn/);

    llm.enqueue({ kind: "error", status: 429, retryAfterMs: 10 }, { kind: "message", text: "ok" });
    const json = await runKodelet(["run", "--no-save", "--output", "json", "hi"], { env, cwd: home.path });
    assert.equal(json.code, 0, json.stderr);
    const retry = linesOf(json.stdout).map((line) => JSON.parse(line)).find((event) =>
      event.type === "retry"
    );
    assert.deepEqual(retry, {
      type: "retry",
      attempt: 2,
      attempts: 5,
      delay_ms: 10,
      reason: "429 rate limited",
    });
  } finally {
    await llm.close();
  }
});

Deno.test("a stream cut mid-answer is reported on its own line", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  try {
    llm.enqueue({ kind: "cut", text: "The answer is forty" });
    const result = await runInTerminal(["run", "--no-save", "hi"], {
      input: "",
      cwd: home.path,
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl },
    });
    assert.equal(result.code, 1, result.output);
    const lines = result.output.split(/\r?\n/);
    const error = lines.findIndex((line) => line.startsWith("kodelet: "));
    assert.ok(error > 0, JSON.stringify(result.output));
    assert.match(lines[error] ?? "", /^kodelet: The Anthropic response stream broke off/);
    assert.match(lines[error - 1] ?? "", /^The answer/);
  } finally {
    await llm.close();
  }
});
