/** Slash commands of `kodelet chat --plain` that do not reach the model. */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { runKodelet, tempDir } from "../support/run_kodelet.ts";

Deno.test("/help in chat lists the commands instead of calling itself unknown, and asks the model nothing", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  const env = {
    ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    KODELET_BASE_PATH: `${home.path}/.kodelet`,
  };
  try {
    const result = await runKodelet(["chat", "--plain"], { env, input: "/help\n/exit\n", cwd: home.path });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /unknown command/);
    assert.match(result.stderr, /> commands: \/help, \/exit, \/clear/);
    assert.equal(llm.requests.length, 0);
  } finally {
    await llm.close();
  }
});
