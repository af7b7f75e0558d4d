/**
 * Thinking end to end, `kodelet run` as a subprocess against the scripted LLM server (which streams
 * thinking blocks in the Anthropic wire format: thinking_delta, then signature_delta): the request
 * asks for thinking the way the model takes it, the signed block goes back verbatim with the tool
 * results, the thinking reaches stderr (never stdout, which stays the answer), and no span, metric
 * or log record carries its text unless content capture is on.
 */
import assert from "node:assert/strict";
import { agentFixture } from "../support/agent_fixture.ts";
import { runKodelet } from "../support/run_kodelet.ts";

const THINKING = "The user wants the date.\nbash can tell: date +%Y.\nThen answer in one line.";
const SIGNATURE = "EqQBCkYIARgCIkB-signed-by-the-test-server==";

function replies() {
  return [
    {
      kind: "message" as const,
      thinking: THINKING,
      signature: SIGNATURE,
      toolCalls: [{ id: "toolu_1", name: "bash", input: { command: "echo 2026" } }],
      usage: { input: 40, output: 30, reasoning: 22 },
    },
    {
      kind: "message" as const,
      thinking: "It printed 2026.",
      text: "It is 2026.",
      usage: { input: 60, output: 9 },
    },
  ];
}

Deno.test("run with thinking: the request asks for it, the signed block goes back, stderr shows it, stdout is the answer", async () => {
  await using f = await agentFixture("sk-ant-test-thinking-000000");
  f.llm.enqueue(...replies());
  const result = await runKodelet(
    ["run", "--model", "claude-haiku-4-5", "--allow", "bash(echo:*)", "what", "year", "is", "it"],
    { env: f.env({ KODELET_TRACING_ENABLED: "true" }), cwd: f.work },
  );
  assert.equal(result.code, 0, result.stderr);
  // An extended-thinking model gets the default budget (4096 fits the default max_tokens 8192).
  const [first, second] = f.llm.requests;
  assert.deepEqual(first?.body.thinking, { type: "enabled", budget_tokens: 4096 });
  // The thinking block goes back first in the assistant message, verbatim with its signature.
  const messages = second?.body.messages as { role: string; content: Record<string, unknown>[] }[];
  assert.equal(messages[1]?.role, "assistant");
  assert.deepEqual(messages[1]?.content[0], { type: "thinking", thinking: THINKING, signature: SIGNATURE });

  assert.equal(result.stdout, "It is 2026.\n", "stdout is the answer only");
  assert.ok(result.stderr.includes(`✻ ${THINKING}\n`), result.stderr);
  assert.ok(result.stderr.includes("✻ It printed 2026.\n"), result.stderr);
  assert.ok(
    result.stderr.indexOf("✻ The user") < result.stderr.indexOf("→ bash: echo 2026"),
    "thinking comes before the call it led to",
  );

  // Thinking is content: without capture it is on no span, metric or log record; its tokens are.
  const spans = await f.receiver.waitForSpans(4);
  const exported = f.receiver.rawBodies.map((body) => new TextDecoder().decode(body)).join("\n");
  assert.equal(exported.includes("bash can tell"), false);
  assert.equal(exported.includes("It printed 2026"), false);
  const chat = spans.find((span) => span.name.startsWith("chat "));
  assert.equal(chat?.attributes["gen_ai.usage.reasoning.output_tokens"], 22);
});

Deno.test("run --output json streams thinking as its own events; an unknown model is not asked to think", async () => {
  await using f = await agentFixture("sk-ant-test-thinking-000000");
  f.llm.enqueue({ kind: "message", thinking: "Short thought.", text: "Answer." });
  const result = await runKodelet(
    ["run", "--output", "json", "--model", "claude-test", "hello"],
    { env: f.env(), cwd: f.work },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(f.llm.requests[0]?.body.thinking, undefined, "no thinking parameter for an unknown model");
  const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  const thinking = events.filter((event) => event.type === "thinking").map((event) => event.text).join("");
  assert.equal(thinking, "Short thought.");
  const firstText = events.findIndex((event) => event.type === "text");
  assert.ok(events.findLastIndex((event) => event.type === "thinking") < firstText);
});

Deno.test("thinking_budget_tokens 0 turns thinking off: nothing asked of an extended model, disabled for an adaptive one", async () => {
  await using f = await agentFixture("sk-ant-test-thinking-000000");
  f.llm.enqueue({ kind: "message", text: "a" }, { kind: "message", text: "b" });
  const env = f.env({ KODELET_THINKING_BUDGET_TOKENS: "0" });
  for (const model of ["claude-haiku-4-5", "claude-opus-4-7"]) {
    const result = await runKodelet(["run", "--model", model, "hi"], { env, cwd: f.work });
    assert.equal(result.code, 0, result.stderr);
  }
  assert.equal(f.llm.requests[0]?.body.thinking, undefined);
  assert.deepEqual(f.llm.requests[1]?.body.thinking, { type: "disabled" });
});

Deno.test("with --verbose, log lines never land in the middle of a line of thinking", async () => {
  await using f = await agentFixture("sk-ant-test-thinking-000000");
  f.llm.enqueue(...replies());
  const result = await runKodelet(
    ["run", "--verbose", "--model", "claude-haiku-4-5", "--allow", "bash(echo:*)", "what year is it"],
    { env: f.env(), cwd: f.work },
  );
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stderr.split("\n");
  const logLines = lines.filter((line) => /\b(DEBUG|INFO)\b/.test(line));
  assert.ok(logLines.length > 0, "--verbose wrote log lines");
  for (const line of logLines) assert.doesNotMatch(line, /✻|bash can tell|one line\.|printed 2026/, line);
  for (
    const whole of ["✻ The user wants the date.", "bash can tell: date +%Y.", "Then answer in one line."]
  ) {
    assert.ok(lines.includes(whole), `${whole} is a line of its own:\n${result.stderr}`);
  }
});
