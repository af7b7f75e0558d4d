/**
 * A server that never answers, or answers and then stalls, no longer leaves `kodelet run` silent
 * forever: a stall before any output is retried, a stall mid-answer ends the turn with one line.
 * The CLI as a subprocess against the scripted LLM server, with the limits set to one second.
 */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { linesOf, runKodelet } from "../support/run_kodelet.ts";

const ENV = {
  ANTHROPIC_API_KEY: "sk-ant-test-timeouts-0000",
  KODELET_LLM_REQUEST_TIMEOUT: "1",
  KODELET_LLM_STREAM_IDLE_TIMEOUT: "1",
};

for (const provider of ["anthropic", "openai"] as const) {
  Deno.test(`${provider}: headers then silence is retried after llm.request_timeout`, async () => {
    const llm = await startLlmServer();
    try {
      llm.enqueue({ kind: "stall" }, { kind: "message", text: "second try" });
      const env = provider === "anthropic" ? { ...ENV, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl } : {
        ...ENV,
        KODELET_PROVIDER: "openai",
        OPENAI_BASE_URL: llm.openaiBaseUrl,
        OPENAI_API_KEY: "sk-x-12345",
      };
      const result = await runKodelet(["run", "hi"], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /second try/);
      assert.equal(llm.requests.length, 2);
      assert.ok(result.durationMs < 30_000, `took ${result.durationMs} ms`);
    } finally {
      await llm.close();
    }
  });
}

Deno.test("a server that never sends its status line is retried after llm.request_timeout", async () => {
  const llm = await startLlmServer();
  try {
    llm.enqueue({ kind: "message", text: "never", delayMs: 120_000 }, { kind: "message", text: "answered" });
    const result = await runKodelet(["run", "hi"], {
      env: { ...ENV, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /answered/);
    assert.equal(llm.requests.length, 2);
  } finally {
    await llm.close();
  }
});

Deno.test("a stall mid-answer ends the turn with one line and is not retried", async () => {
  const llm = await startLlmServer();
  try {
    llm.enqueue({ kind: "stall", text: "The answer begins here and then goes on" });
    const result = await runKodelet(["run", "hi"], {
      env: { ...ENV, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl },
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /The answer/);
    const errors = linesOf(result.stderr).filter((line) => line.startsWith("kodelet: "));
    assert.ok(
      errors.some((line) => /stopped streaming for 1s \(llm\.stream_idle_timeout\)/.test(line)),
      result.stderr,
    );
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.equal(llm.requests.length, 1);
  } finally {
    await llm.close();
  }
});

Deno.test("a bad llm.request_timeout is a usage error naming its source", async () => {
  const result = await runKodelet(["run", "hi"], { env: { ...ENV, KODELET_LLM_REQUEST_TIMEOUT: "soon" } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Invalid llm\.request_timeout "soon" \(from KODELET_LLM_REQUEST_TIMEOUT\)/);
});
