/**
 * Leaving `kodelet chat` (the line mode) and interrupting it (issue 12): Ctrl-D ends the prompt's line
 * and says how to come back. (A question interrupted by Ctrl-C staying in the conversation is tested
 * with the other Ctrl-C cases in interactive_test.ts.)
 */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { runKodelet, tempDir } from "../support/run_kodelet.ts";

const KEY = "sk-ant-test-000000000000";

Deno.test("Ctrl-D (end of input) in chat ends the prompt's line and says how to continue", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  const env = {
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    KODELET_BASE_PATH: `${home.path}/.kodelet`,
  };
  try {
    llm.enqueue({ kind: "message", text: "Hi there." });
    const result = await runKodelet(["chat", "--plain"], { env, input: "hello\n", cwd: home.path });
    assert.equal(result.code, 0, result.stderr);
    const id = /conversation (\S+) saved/.exec(result.stderr)?.[1] ?? "";
    assert.ok(
      result.stderr.endsWith(
        `> \nconversation ${id} saved; continue with: kodelet chat --resume ${id} (or kodelet run --follow "...")\n`,
      ),
      JSON.stringify(result.stderr),
    );
    // The hint is true: that id is a saved conversation.
    const shown = await runKodelet(["conversation", "show", id, "--json"], { env, cwd: home.path });
    assert.equal(shown.code, 0, shown.stderr);

    // Nothing asked: no conversation to come back to, only the line ended.
    const empty = await runKodelet(["chat", "--plain"], { env, input: "", cwd: home.path });
    assert.equal(empty.code, 0, empty.stderr);
    assert.ok(empty.stderr.endsWith("> \n"), JSON.stringify(empty.stderr));
  } finally {
    await llm.close();
  }
});
