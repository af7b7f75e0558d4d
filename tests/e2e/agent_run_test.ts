/**
 * `kodelet run` end to end: the CLI as a subprocess against the scripted LLM server and the OTLP
 * receiver, checking what reached stdout/stderr, the conversation on disk, and the exact span tree.
 */
import assert from "node:assert/strict";
import { type AgentFixture, agentFixture } from "../support/agent_fixture.ts";
import type { ReceivedSpan } from "../support/otlp_receiver.ts";
import { linesOf, runKodelet } from "../support/run_kodelet.ts";

const SECRET_KEY = "sk-ant-test-SECRET-4f9a8b7c6d5e";

type Fixture = AgentFixture;

function fixture(): Promise<Fixture> {
  return agentFixture(SECRET_KEY);
}

function byName(spans: ReceivedSpan[], name: string): ReceivedSpan[] {
  return spans.filter((span) => span.name === name);
}

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = byName(spans, name);
  assert.equal(
    found.length,
    1,
    `expected one ${name} span, got ${found.length}: ${spans.map((s) => s.name).join(", ")}`,
  );
  return found[0] as ReceivedSpan;
}

Deno.test("run executes three concurrent tool calls and traces cmd.run > invoke_agent > chat + execute_tool", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    {
      kind: "message",
      text: "Let me look.",
      toolCalls: [
        { id: "toolu_1", name: "bash", input: { command: "echo one" } },
        { id: "toolu_2", name: "bash", input: { command: 'echo "tp=$TRACEPARENT"' } },
        { id: "toolu_3", name: "bash", input: { command: "exit 3" } },
        { id: "toolu_4", name: "file_read", input: { path: "private-dir/secret-name.txt" } },
      ],
      usage: { input: 100, output: 20, cacheRead: 50, cacheCreation: 30 },
    },
    { kind: "message", text: "All done.", usage: { input: 200, output: 10, cacheRead: 80 } },
  );
  // In a pipe nobody can approve: rules allow what the model will run (and say so on the spans).
  const result = await runKodelet(
    ["run", "--allow", "bash(echo:*)", "--allow", "bash(exit 3)", "explain", "main.ts"],
    { env: f.env(), cwd: f.work },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Let me look\./);
  assert.match(result.stdout, /All done\./);
  assert.match(result.stderr, /→ bash: echo one/);
  const summary = linesOf(result.stderr).at(-1) ?? "";
  assert.match(summary, /^kodelet: 2 turns · tokens in 300 out 30 cached 130 written 30 · \$\d+\.\d{4} · /);

  // The second request carried the three tool results, TRACEPARENT included.
  const second = f.llm.requests[1]?.body as { messages: { role: string; content: unknown }[] };
  const results = JSON.stringify(second.messages.at(-1));
  assert.match(results, /one/);
  assert.match(results, /exit code 3|exit_code.{0,4}3|Exit code: 3/i);

  const spans = await f.receiver.waitForSpans(8);
  const root = only(spans, "cmd.run");
  const agent = only(spans, "invoke_agent kodelet");
  const chats = byName(spans, "chat claude-sonnet-5-5");
  const tools = byName(spans, "execute_tool bash");
  assert.equal(chats.length, 2);
  assert.equal(tools.length, 3);
  assert.equal(root.parentSpanId, "");
  assert.equal(agent.parentSpanId, root.spanId);
  for (const span of [...chats, ...tools]) assert.equal(span.parentSpanId, agent.spanId, span.name);
  assert.equal(spans.length, 8);
  for (const span of spans) assert.equal(span.traceId, root.traceId);

  const traceparent = /tp=00-([0-9a-f]{32})-([0-9a-f]{16})-01/.exec(results);
  assert.ok(traceparent, `bash child saw no TRACEPARENT: ${results}`);
  assert.equal(traceparent[1], root.traceId);
  assert.ok(tools.some((tool) => tool.spanId === traceparent[2]), "TRACEPARENT names the execute_tool span");

  const first = chats.find((chat) => chat.attributes["gen_ai.usage.output_tokens"] === 20);
  assert.ok(first);
  assert.equal(first.kind, 3);
  assert.equal(first.attributes["gen_ai.operation.name"], "chat");
  assert.equal(first.attributes["gen_ai.provider.name"], "anthropic");
  assert.equal(first.attributes["gen_ai.request.model"], "claude-sonnet-5-5");
  assert.equal(first.attributes["server.address"], "127.0.0.1");
  assert.equal(first.attributes["gen_ai.usage.input_tokens"], 180);
  assert.equal(first.attributes["gen_ai.usage.cache_read.input_tokens"], 50);
  assert.equal(first.attributes["gen_ai.usage.cache_creation.input_tokens"], 30);
  assert.deepEqual(first.attributes["gen_ai.response.finish_reasons"], ["tool_call"]);
  assert.equal(typeof first.attributes["kodelet.cost.usd"], "number");
  assert.equal(typeof first.attributes["gen_ai.response.time_to_first_chunk"], "number");
  assert.equal(first.attributes["gen_ai.conversation.id"], agent.attributes["gen_ai.conversation.id"]);

  const failed = tools.find((tool) => tool.attributes["process.exit.code"] === 3);
  assert.ok(failed, "the exit 3 call records its exit code");
  for (const tool of tools) {
    assert.equal(tool.attributes["gen_ai.tool.name"], "bash");
    assert.match(String(tool.attributes["gen_ai.tool.call.id"]), /^toolu_[123]$/);
    assert.equal(tool.attributes["kodelet.tool.decision"], "allow");
    assert.equal(tool.attributes["kodelet.tool.decision.source"], "rule");
  }
  assert.deepEqual(
    tools.map((tool) => tool.attributes["kodelet.tool.decision.rule"]).sort(),
    ["bash(echo:*)", "bash(echo:*)", "bash(exit 3)"],
  );
  assert.equal(agent.attributes["kodelet.turns"], 2);

  // Privacy by default: neither the prompt nor a command nor the key left the process.
  const exported = f.receiver.rawBodies.map((body) => new TextDecoder().decode(body)).join("\n");
  assert.ok(!exported.includes("explain main.ts"), "prompt exported");
  assert.ok(!exported.includes("echo one"), "command exported");
  assert.ok(!exported.includes("secret-name"), "a path from the model's arguments exported");
  const failedRead = only(spans, "execute_tool file_read");
  assert.equal(failedRead.status.code, 2);
  assert.equal(failedRead.attributes["error.type"], "not_found");
  assert.equal(failedRead.attributes["kodelet.tool.decision.source"], "mode", "reads run freely in ask mode");
  assert.ok(!exported.includes(SECRET_KEY), "API key exported");
  assert.ok(!result.stdout.includes(SECRET_KEY) && !result.stderr.includes(SECRET_KEY));

  // The conversation is on disk with both turns.
  const list = await runKodelet(["conversation", "list", "--json"], {
    env: f.env({ OTEL_SDK_DISABLED: "true" }),
  });
  assert.equal(list.code, 0, list.stderr);
  const conversations = JSON.parse(list.stdout) as { id: string; turns: number; summary: string }[];
  assert.equal(conversations.length, 1);
  assert.equal(conversations[0]?.turns, 2);
  assert.equal(conversations[0]?.summary, "explain main.ts");
  assert.equal(conversations[0]?.id, agent.attributes["gen_ai.conversation.id"]);
});

Deno.test("run --resume sends the earlier conversation and --no-save stores nothing", async () => {
  await using f = await fixture();
  f.llm.enqueue({ kind: "message", text: "first answer" }, { kind: "message", text: "second answer" });
  const first = await runKodelet(["run", "first question"], { env: f.env({ OTEL_SDK_DISABLED: "true" }) });
  assert.equal(first.code, 0, first.stderr);
  const id = /conversation (\S+)$/.exec(linesOf(first.stderr).at(-1) ?? "")?.[1];
  assert.ok(id, first.stderr);
  const second = await runKodelet(["run", "--resume", id, "second question"], {
    env: f.env({ OTEL_SDK_DISABLED: "true" }),
  });
  assert.equal(second.code, 0, second.stderr);
  const messages = (f.llm.requests[1]?.body as { messages: unknown[] }).messages;
  assert.equal(messages.length, 3, "user, assistant, user");

  f.llm.enqueue({ kind: "message", text: "unsaved" });
  const unsaved = await runKodelet(["run", "--no-save", "third"], {
    env: f.env({ OTEL_SDK_DISABLED: "true" }),
  });
  assert.equal(unsaved.code, 0, unsaved.stderr);
  const list = await runKodelet(["conversation", "list", "--json"], {
    env: f.env({ OTEL_SDK_DISABLED: "true" }),
  });
  assert.equal((JSON.parse(list.stdout) as unknown[]).length, 1);

  const missing = await runKodelet(["run", "--resume", "nope", "x"], {
    env: f.env({ OTEL_SDK_DISABLED: "true" }),
  });
  assert.equal(missing.code, 1);
  assert.deepEqual(linesOf(missing.stderr), [
    'kodelet: No conversation "nope": see "kodelet conversation list"',
  ]);
});

Deno.test("run retries a 429 honouring retry-after and records the retry on the chat span", async () => {
  await using f = await fixture();
  f.llm.enqueue({ kind: "error", status: 429, retryAfterMs: 20 }, {
    kind: "message",
    text: "ok after retry",
  });
  const result = await runKodelet(["run", "--no-save", "hi"], { env: f.env() });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /ok after retry/);
  const spans = await f.receiver.waitForSpans(3);
  const chat = only(spans, "chat claude-sonnet-5-5");
  assert.equal(chat.attributes["kodelet.retries"], 1);
  assert.equal(chat.events.filter((event) => event.name === "retry").length, 1);
  assert.equal(chat.status.code, 1);
});

Deno.test("run reports a bad API key in one line, exit 1, and marks the chat span 401", async () => {
  await using f = await fixture();
  f.llm.enqueue({ kind: "error", status: 401 });
  const result = await runKodelet(["run", "--no-save", "hi"], { env: f.env() });
  assert.equal(result.code, 1);
  const lines = linesOf(result.stderr);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", /^kodelet: Anthropic rejected the API key \(HTTP 401\)/);
  const spans = await f.receiver.waitForSpans(3);
  const chat = only(spans, "chat claude-sonnet-5-5");
  assert.equal(chat.status.code, 2);
  assert.equal(chat.attributes["error.type"], "401");
  assert.equal(only(spans, "cmd.run").attributes["process.exit.code"], 1);
});

Deno.test("run reports a stream cut mid-message in one line without a stack", async () => {
  await using f = await fixture();
  f.llm.enqueue({ kind: "cut", text: "partial answer that never ends" });
  const result = await runKodelet(["run", "--no-save", "hi"], { env: f.env({ OTEL_SDK_DISABLED: "true" }) });
  assert.equal(result.code, 1);
  const errors = linesOf(result.stderr).filter((line) => line.startsWith("kodelet:"));
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0] ?? "", /broke off|stream/i);
  assert.ok(!/\n\s+at /.test(result.stderr), "no stack trace");
});

Deno.test("run --output json prints one JSON event per line", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: "echo hi" } }] },
    { kind: "message", text: "done" },
  );
  const result = await runKodelet(["run", "--no-save", "--output", "json", "go"], {
    env: f.env({ OTEL_SDK_DISABLED: "true" }),
    cwd: f.work,
  });
  assert.equal(result.code, 0, result.stderr);
  const events = linesOf(result.stdout).map((line) => JSON.parse(line) as { type: string });
  const types = events.map((event) => event.type);
  assert.deepEqual(types.filter((type) => type !== "text"), [
    "tool_call",
    "tool_result",
    "turn",
    "turn",
    "done",
  ]);
  assert.ok(types.includes("text"));
});

Deno.test("run talks to an OpenAI-compatible server with --provider openai", async () => {
  await using f = await fixture();
  f.llm.enqueue({
    kind: "message",
    text: "hello from openai",
    usage: { input: 40, output: 7, cacheRead: 10 },
  });
  const result = await runKodelet(["run", "--no-save", "--provider", "openai", "--model", "gpt-5.5", "hi"], {
    env: f.env({ OPENAI_API_KEY: "sk-test-openai-key-123456789", OPENAI_BASE_URL: f.llm.openaiBaseUrl }),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /hello from openai/);
  const spans = await f.receiver.waitForSpans(3);
  const chat = only(spans, "chat gpt-5.5");
  assert.equal(chat.attributes["gen_ai.provider.name"], "openai");
  assert.equal(chat.attributes["gen_ai.usage.input_tokens"], 40);
  assert.equal(chat.attributes["gen_ai.usage.cache_read.input_tokens"], 10);
  assert.equal(chat.attributes["gen_ai.usage.output_tokens"], 7);
  const request = f.llm.requests[0]?.body as { stream_options?: { include_usage?: boolean } };
  assert.equal(request.stream_options?.include_usage, true);
});

Deno.test("run records prompt and completion only with content capture on, with secrets redacted", async () => {
  await using f = await fixture();
  f.llm.enqueue({ kind: "message", text: "the answer" });
  const result = await runKodelet(["run", "--no-save", `use key ${SECRET_KEY} please`], {
    env: f.env({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true" }),
  });
  assert.equal(result.code, 0, result.stderr);
  const spans = await f.receiver.waitForSpans(3);
  const chat = only(spans, "chat claude-sonnet-5-5");
  const input = String(chat.attributes["gen_ai.input.messages"]);
  assert.match(input, /use key \[REDACTED\] please/);
  assert.match(String(chat.attributes["gen_ai.output.messages"]), /the answer/);
  const exported = f.receiver.rawBodies.map((body) => new TextDecoder().decode(body)).join("\n");
  assert.ok(!exported.includes(SECRET_KEY));
});

Deno.test("run with a subagent keeps the subagent out of the saved conversation but counts its tokens", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    {
      kind: "message",
      toolCalls: [{ id: "toolu_sub", name: "subagent", input: { question: "what does main.ts export?" } }],
      usage: { input: 10, output: 1 },
    },
    { kind: "message", text: "It exports nothing.", usage: { input: 100, output: 10 } },
    { kind: "message", text: "Answer: nothing.", usage: { input: 1000, output: 100 } },
  );
  const result = await runKodelet(["run", "explain exports"], { env: f.env(), cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  assert.match(linesOf(result.stderr).at(-1) ?? "", /^kodelet: 2 turns · tokens in 1,110 out 111 /);

  const spans = await f.receiver.waitForSpans(7);
  const tool = only(spans, "execute_tool subagent");
  const nested = only(spans, "invoke_agent kodelet-subagent");
  assert.equal(nested.parentSpanId, tool.spanId, "the subagent's spans nest under its execute_tool span");

  const id = String(only(spans, "invoke_agent kodelet").attributes["gen_ai.conversation.id"]);
  const shown = await runKodelet(["conversation", "show", id, "--json"], {
    env: f.env({ OTEL_SDK_DISABLED: "true" }),
  });
  assert.equal(shown.code, 0, shown.stderr);
  const conversation = JSON.parse(shown.stdout) as {
    turns: number;
    summary: string;
    messages: { role: string; content: { type: string; text?: string }[] }[];
  };
  assert.equal(conversation.turns, 2);
  assert.equal(conversation.summary, "explain exports");
  assert.equal(conversation.messages.length, 4, "user, assistant(tool_use), tool_result, assistant");
  assert.equal(conversation.messages[0]?.content[0]?.text, "explain exports");
});

Deno.test("run's summary, conversation list and trace list give one run with a subagent the same tokens and cost", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    {
      kind: "message",
      toolCalls: [{ id: "toolu_sub", name: "subagent", input: { question: "what does main.ts export?" } }],
      usage: { input: 10, output: 1, cacheRead: 5000, cacheCreation: 700 },
    },
    { kind: "message", text: "It exports nothing.", usage: { input: 100, output: 10, cacheRead: 40 } },
    { kind: "message", text: "Answer: nothing.", usage: { input: 1000, output: 100 } },
  );
  const env = f.env({ KODELET_TRACING_EXPORTER: "file" });
  const result = await runKodelet(["run", "--output", "json", "explain exports"], { env, cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  const events = linesOf(result.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
  const done = events.find((event) => event.type === "done") as {
    usage: { input: number; output: number };
    cost_usd: number;
  };
  assert.deepEqual([done.usage.input, done.usage.output], [1110, 111], "the run counts its subagent");
  assert.ok(done.cost_usd > 0);
  // The turn events add up to the run: the subagent's spend is in the turn that called it.
  const turns = events.filter((event) => event.type === "turn") as { usage: { input: number } }[];
  assert.deepEqual(turns.map((turn) => turn.usage.input), [110, 1000]);

  const off = { ...env, OTEL_SDK_DISABLED: "true" };
  const listed = await runKodelet(["conversation", "list", "--json"], { env: off });
  assert.equal(listed.code, 0, listed.stderr);
  const [conversation] = JSON.parse(listed.stdout) as {
    usage: { input: number; output: number };
    costUsd: number;
  }[];
  assert.deepEqual([conversation?.usage.input, conversation?.usage.output], [1110, 111]);
  assert.ok(Math.abs((conversation?.costUsd ?? 0) - done.cost_usd) < 1e-9, "conversation list: same cost");

  const traces = await runKodelet(["trace", "list", "--json"], { env: off });
  assert.equal(traces.code, 0, traces.stderr);
  const [trace] = JSON.parse(traces.stdout) as {
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  }[];
  assert.deepEqual([trace?.inputTokens, trace?.outputTokens], [1110, 111]);
  assert.ok(Math.abs((trace?.costUsd ?? 0) - done.cost_usd) < 1e-9, "trace list: same cost");
});

Deno.test("run --verbose with log.format json writes log lines carrying the ids of their spans", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    { kind: "error", status: 529, retryAfterMs: 10 },
    { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: "echo logged" } }] },
    { kind: "message", text: "done" },
  );
  const result = await runKodelet(["run", "--no-save", "--verbose", "go"], {
    env: f.env({ KODELET_LOG_FORMAT: "json" }),
    cwd: f.work,
  });
  assert.equal(result.code, 0, result.stderr);
  const logs = linesOf(result.stderr).filter((line) => line.startsWith("{")).map((line) =>
    JSON.parse(line) as Record<string, unknown>
  );
  const spans = await f.receiver.waitForSpans(5);
  const spanIds = new Map(spans.map((span) => [span.spanId, span]));
  const toolEnd = logs.find((line) => line.msg === "tool call ended");
  assert.ok(toolEnd, result.stderr);
  assert.equal(toolEnd.level, "debug");
  assert.equal(spanIds.get(String(toolEnd.span_id))?.name, "execute_tool bash");
  assert.equal(toolEnd.trace_id, spans[0]?.traceId);
  const retry = logs.find((line) => line.msg === "retrying llm request");
  assert.ok(retry);
  assert.equal(retry.error_type, "529");
  assert.equal(spanIds.get(String(retry.span_id))?.name, "chat claude-sonnet-5-5");
  assert.ok(logs.some((line) => line.msg === "llm response"));
  // Privacy holds for logs too: the command is content.
  assert.ok(!logs.some((line) => JSON.stringify(line).includes("echo logged")));
});

Deno.test("run --max-turns stops the loop and says so; --follow continues the latest conversation", async () => {
  await using f = await fixture();
  const env = f.env({ OTEL_SDK_DISABLED: "true" });
  f.llm.enqueue({ kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: "true" } }] });
  const limited = await runKodelet(["run", "--max-turns", "1", "loop"], { env, cwd: f.work });
  assert.equal(limited.code, 0, limited.stderr);
  assert.match(
    linesOf(limited.stderr).at(-1) ?? "",
    /^kodelet: 1 turn · .* · stopped at max_turns · conversation /,
  );
  assert.equal(f.llm.pending(), 0);

  f.llm.enqueue({ kind: "message", text: "continued" });
  const followed = await runKodelet(["run", "--follow", "and then?"], { env, cwd: f.work });
  assert.equal(followed.code, 0, followed.stderr);
  const sent = (f.llm.requests[1]?.body as { messages: { role: string; content: unknown[] }[] }).messages;
  // The stored tool result and the new question are both user content: sent as one user message.
  assert.deepEqual(sent.map((message) => message.role), ["user", "assistant", "user"]);
  assert.equal(sent[2]?.content.length, 2, "tool_result, and then?");

  const bad = await runKodelet(["run", "--max-turns", "0", "x"], { env });
  assert.equal(bad.code, 2);
  assert.deepEqual(linesOf(bad.stderr), [
    'kodelet: Invalid max_turns "0" (from --max-turns): must be a whole number between 1 and 10000',
  ]);
});

Deno.test("conversation show prints the conversation readably, delete removes it, and both refuse unknown ids", async () => {
  await using f = await fixture();
  const env = f.env({ OTEL_SDK_DISABLED: "true" });
  f.llm.enqueue(
    {
      kind: "message",
      text: "Looking.",
      toolCalls: [{ id: "t1", name: "bash", input: { command: "echo shown" } }],
    },
    { kind: "message", text: "All shown." },
  );
  const run = await runKodelet(["run", "--yolo", "show me"], { env, cwd: f.work });
  assert.equal(run.code, 0, run.stderr);
  const id = /conversation (\S+)$/.exec(linesOf(run.stderr).at(-1) ?? "")?.[1] ?? "";

  const shown = await runKodelet(["conversation", "show", id], { env });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(
    shown.stdout,
    new RegExp(`^conversation ${id} · claude-sonnet-5-5 · 2 turns · \\$\\d+\\.\\d{4}\\n`),
  );
  assert.match(shown.stdout, /you: show me\n/);
  assert.match(shown.stdout, /kodelet: Looking\.\n/);
  assert.match(shown.stdout, / {2}→ bash \{"command":"echo shown"\}\n {2}✓ shown/);
  assert.match(shown.stdout, /kodelet: All shown\.\n/);

  const list = await runKodelet(["conversation", "list"], { env });
  assert.match(
    list.stdout,
    new RegExp(`^${id} {2}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d {2}claude-sonnet-5-5 {2}2 turns`),
  );

  const deleted = await runKodelet(["conversation", "delete", id], { env });
  assert.equal(deleted.code, 0, deleted.stderr);
  for (const args of [["conversation", "show", id], ["conversation", "delete", id]]) {
    const missing = await runKodelet(args, { env });
    assert.equal(missing.code, 1);
    assert.deepEqual(linesOf(missing.stderr), [
      `kodelet: No conversation "${id}": see "kodelet conversation list"`,
    ]);
  }
});

Deno.test("a credential given as a flag value reaches neither an exported byte nor a printed line", async () => {
  await using f = await fixture();
  const token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
  f.llm.enqueue({ kind: "message", text: "fine" });
  const result = await runKodelet([
    "run",
    "--no-save",
    "--model",
    token,
    "--no-such-flag",
    token,
  ], {
    env: f.env({ OTEL_TRACES_EXPORTER: "otlp,console" }),
  });
  // An unknown flag is a usage error: the token must not be echoed there either.
  assert.equal(result.code, 2);
  assert.ok(!result.stderr.includes(token), result.stderr);

  const ran = await runKodelet(["run", "--no-save", "--model", token, `use ${token}`], {
    env: f.env({ OTEL_TRACES_EXPORTER: "otlp,console" }),
  });
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(f.llm.requests[0]?.body.model, token, "the model name itself still goes to the provider");
  const spans = await f.receiver.waitForSpans(3);
  assert.ok(spans.some((span) => span.name === "chat [REDACTED]"));
  const exported = f.receiver.rawBodies.map((body) => new TextDecoder().decode(body)).join("\n");
  assert.ok(!exported.includes(token), "exported");
  assert.ok(!ran.stdout.includes(token) && !ran.stderr.includes(token), "printed");
});
