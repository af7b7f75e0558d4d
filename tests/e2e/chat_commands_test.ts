/** Slash commands of `kodelet chat --plain` that do not reach the model. */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { runKodelet, tempDir } from "../support/run_kodelet.ts";

/** Runs `chat --plain` with `input` against a fresh LLM server; returns what it printed and was asked. */
async function plainChat(input: string): Promise<{ stderr: string; requests: number }> {
  const llm = await startLlmServer();
  await using home = await tempDir();
  const env = {
    ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    KODELET_BASE_PATH: `${home.path}/.kodelet`,
  };
  try {
    const result = await runKodelet(["chat", "--plain"], { env, input, cwd: home.path });
    assert.equal(result.code, 0, result.stderr);
    return { stderr: result.stderr, requests: llm.requests.length };
  } finally {
    await llm.close();
  }
}

Deno.test("/help in chat lists the commands instead of calling itself unknown, and asks the model nothing", async () => {
  const { stderr, requests } = await plainChat("/help\n/exit\n");
  assert.doesNotMatch(stderr, /unknown command/);
  assert.match(stderr, /> commands: \/help, \/exit, \/clear/);
  assert.equal(requests, 0);
});

Deno.test("the line chat runs the terminal UI's slash command table: /trace, an alias, an unknown command, /exit", async () => {
  const { stderr, requests } = await plainChat("/trace\n/models\n/? \n/quit\nnever sent\n");
  // The banner and /help list every command of the table, /trace included, in one line.
  assert.match(
    stderr,
    /^kodelet chat \(claude-sonnet-5-5\); commands: \/help, \/exit, \/clear, \/model \[name\], \/cost, \/compact \[instructions\], \/trace; Ctrl-C cancels a turn, Ctrl-D exits\n/,
  );
  assert.match(stderr, /> tracing is off \(turn it on with --tracing-enabled/);
  assert.match(stderr, /> unknown command \/models; commands: /);
  assert.match(stderr, /> commands: \/help, \/exit/);
  assert.equal(requests, 0, "/quit ended the chat before the next line");
});
