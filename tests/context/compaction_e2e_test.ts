/**
 * Compaction end to end: triggered by the usage a response reports, by a "prompt is too long"
 * refusal, and by /compact in chat; the exact next request is checked (summary present, old turns
 * gone, recent turns kept), the stored conversation keeps everything plus the compaction record, and
 * --resume continues from the compacted state. The trace carries a kodelet.compact span.
 */
import assert from "node:assert/strict";
import type { ScriptedReply, ScriptedUsage } from "../support/llm_server.ts";
import type { ReceivedSpan } from "../support/otlp_receiver.ts";
import { runKodelet } from "../support/run_kodelet.ts";
import { fixture, messagesText, requestBody, runWithInput } from "./_fixture.ts";

function toolTurn(word: string, usage: ScriptedUsage = { input: 100, output: 10 }): ScriptedReply {
  return {
    kind: "message",
    text: `Running ${word}.`,
    toolCalls: [{ id: `toolu_${word}`, name: "bash", input: { command: `echo marker-${word}` } }],
    usage,
  };
}

const SUMMARY = "SUMMARY-7c1e: the user wants four echoes; one and two are done.";

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((span) => span.name === name);
  assert.equal(found.length, 1, `${name}: ${spans.map((span) => span.name).join(", ")}`);
  return found[0] as ReceivedSpan;
}

Deno.test("a response reporting a nearly full window compacts before the next request: summary plus the recent turns", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    toolTurn("one"),
    toolTurn("two"),
    toolTurn("three"),
    // 790,000 + 10,000 cache read + 100 output of claude-sonnet-5-5's 1,000,000: past 0.8.
    toolTurn("four", { input: 790_000, output: 100, cacheRead: 10_000 }),
    { kind: "message", text: SUMMARY, usage: { input: 5000, output: 300 } },
    { kind: "message", text: "All four done.", usage: { input: 2000, output: 20 } },
  );
  const result = await runKodelet(["run", "echo", "four", "markers"], { env: f.env(), cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(f.llm.requests.length, 6);
  assert.match(
    result.stderr,
    /compacted the conversation \(the context window was filling up\): ~800,100 → ~\d[\d,]* tokens, 5 messages summarised by claude-sonnet-5-5/,
  );

  // The summary request: the whole conversation so far, tools defined but not to be called.
  const summaryRequest = f.llm.requests[4]?.body as Record<string, unknown>;
  assert.deepEqual(summaryRequest.tool_choice, { type: "none" });
  const asked = messagesText(requestBody(f.llm, 4));
  for (const word of ["one", "two", "three", "four"]) assert.match(asked, new RegExp(`marker-${word}`));
  assert.match(asked, /write a summary of this conversation so far/);

  // The next request: the summary, then the two most recent turns verbatim; older turns gone.
  const next = requestBody(f.llm, 5);
  assert.equal(next.messages.length, 5, messagesText(next));
  assert.equal(next.messages[0]?.role, "user");
  assert.match(next.messages[0]?.content[0]?.text ?? "", new RegExp(`<summary>\\n${SUMMARY}\\n</summary>`));
  assert.deepEqual(next.messages.map((message) => message.role), [
    "user",
    "assistant",
    "user",
    "assistant",
    "user",
  ]);
  const sent = messagesText(next);
  assert.doesNotMatch(sent, /marker-one|marker-two|echo four markers/, "old turns are gone");
  assert.match(sent, /marker-three/);
  assert.match(sent, /marker-four/);
  assert.equal(
    next.system.map((block) => block.text).join(""),
    requestBody(f.llm, 0).system.map((b) => b.text).join(""),
  );

  // The trace: kodelet.compact under invoke_agent, with its own chat child; the ratio on chat spans.
  const spans = await f.receiver.waitForSpans(13);
  const agent = only(spans, "invoke_agent kodelet");
  const compact = only(spans, "kodelet.compact");
  assert.equal(compact.parentSpanId, agent.spanId);
  assert.equal(compact.attributes["kodelet.compact.reason"], "threshold");
  assert.equal(compact.attributes["kodelet.compact.tokens_before"], 800_100);
  assert.ok(Number(compact.attributes["kodelet.compact.tokens_after"]) < 10_000);
  assert.equal(compact.attributes["kodelet.compact.model"], "claude-sonnet-5-5");
  assert.equal(compact.attributes["kodelet.compact.messages_summarised"], 5);
  const chats = spans.filter((span) => span.name === "chat claude-sonnet-5-5");
  assert.equal(chats.length, 6);
  assert.equal(
    chats.filter((chat) => chat.parentSpanId === compact.spanId).length,
    1,
    "the summary's chat span",
  );
  const full = chats.find((chat) => chat.attributes["gen_ai.usage.output_tokens"] === 100);
  assert.equal(full?.attributes["kodelet.context.used_ratio"], 800_100 / 1_000_000);
  assert.doesNotMatch(JSON.stringify(compact.attributes), /SUMMARY-7c1e/, "the summary is content");

  // The kodelet.compaction log event, emitted inside the kodelet.compact span.
  await f.receiver.waitFor(({ logs }) => logs.some((record) => record.eventName === "kodelet.compaction"));
  const events = f.receiver.logs.filter((record) => record.eventName === "kodelet.compaction");
  assert.equal(events.length, 1);
  assert.equal(events[0]?.traceId, compact.traceId);
  assert.equal(events[0]?.spanId, compact.spanId);
  assert.equal(events[0]?.attributes["kodelet.compact.reason"], "threshold");
  assert.equal(events[0]?.attributes["kodelet.compact.tokens_before"], 800_100);
  assert.equal(events[0]?.attributes["kodelet.compact.messages_summarised"], 5);
  assert.doesNotMatch(JSON.stringify(events[0]?.attributes), /SUMMARY-7c1e/);

  // The run summary shows the context used after the last response.
  assert.match(result.stderr.trim().split("\n").at(-1) ?? "", /context 0% of 1,000,000/);

  // The store keeps every message and the compaction record; show marks where it happened.
  const id = String(agent.attributes["gen_ai.conversation.id"]);
  const shown = await runKodelet(["conversation", "show", id, "--json"], { env: f.env(), cwd: f.work });
  assert.equal(shown.code, 0, shown.stderr);
  const conversation = JSON.parse(shown.stdout) as {
    messages: unknown[];
    compactions: { summary: string; keptFrom: number; reason: string }[];
  };
  assert.equal(conversation.messages.length, 10);
  assert.match(JSON.stringify(conversation.messages), /marker-one/);
  assert.equal(conversation.compactions.length, 1);
  const record = conversation.compactions[0];
  assert.equal(record?.keptFrom, 5);
  assert.equal(record?.reason, "threshold");
  assert.equal(record?.summary, SUMMARY);
  const text = await runKodelet(["conversation", "show", id], { env: f.env(), cwd: f.work });
  assert.match(
    text.stdout,
    /marker-one[\s\S]*── compacted \(threshold, claude-sonnet-5-5\)[\s\S]*Running three/,
  );

  // --resume continues from the compacted state.
  f.llm.enqueue({ kind: "message", text: "Continued." });
  const resumed = await runKodelet(["run", "--resume", id, "and", "now?"], { env: f.env(), cwd: f.work });
  assert.equal(resumed.code, 0, resumed.stderr);
  const after = requestBody(f.llm, 6);
  assert.match(after.messages[0]?.content[0]?.text ?? "", /SUMMARY-7c1e/);
  assert.doesNotMatch(messagesText(after), /marker-one|marker-two/);
  assert.match(messagesText(after), /marker-three[\s\S]*All four done\.[\s\S]*and now\?/);
});

Deno.test("a request refused as too long is compacted once and retried; a second refusal is the error", async () => {
  await using f = await fixture();
  f.llm.enqueue(toolTurn("one"), toolTurn("two"), toolTurn("three"), {
    kind: "message",
    text: "First run done.",
  });
  const first = await runKodelet(["run", "--output", "json", "start"], { env: f.env(), cwd: f.work });
  assert.equal(first.code, 0, first.stderr);
  const id = String(JSON.parse(first.stdout.trim().split("\n").at(-1) ?? "{}").conversation_id);

  const tooLong: ScriptedReply = {
    kind: "error",
    status: 400,
    message: "prompt is too long: 1048576 tokens > 1000000 maximum",
  };
  f.llm.enqueue(tooLong, { kind: "message", text: SUMMARY }, { kind: "message", text: "Retried fine." });
  const second = await runKodelet(["run", "--resume", id, "go", "on"], { env: f.env(), cwd: f.work });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Retried fine\./);
  assert.match(second.stderr, /provider refused the request as too long/);
  assert.equal(f.llm.requests.length, 7);
  const refused = messagesText(requestBody(f.llm, 4));
  const retried = requestBody(f.llm, 6);
  assert.match(refused, /marker-one/);
  assert.match(retried.messages[0]?.content[0]?.text ?? "", /SUMMARY-7c1e/);
  assert.doesNotMatch(messagesText(retried), /marker-one/);
  assert.match(messagesText(retried), /go on/);

  // Refused again after compacting: one line, exit 1, no endless loop.
  f.llm.enqueue(tooLong, { kind: "message", text: SUMMARY }, tooLong);
  const third = await runKodelet(["run", "--resume", id, "more"], { env: f.env(), cwd: f.work });
  assert.equal(third.code, 1);
  assert.equal(
    third.stderr.trim().split("\n").at(-1),
    "kodelet: Anthropic refused the request (HTTP 400): prompt is too long: 1048576 tokens > 1000000 maximum",
  );
  assert.equal(f.llm.requests.length, 10);
  assert.equal(f.llm.pending(), 0);
});

Deno.test("/compact in chat compacts on demand with the user's instructions; the chat goes on compacted", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    toolTurn("one"),
    { kind: "message", text: "One done." },
    toolTurn("two"),
    { kind: "message", text: "Two done." },
    toolTurn("three"),
    { kind: "message", text: "Three done." },
    { kind: "message", text: SUMMARY },
    { kind: "message", text: "After compaction." },
  );
  const result = await runWithInput(
    ["chat", "--plain"],
    "first\nsecond\nthird\n/compact keep the file names\n/cost\nfourth\n/exit\n",
    f.env(),
    f.work,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /compacted the conversation \(asked for\)/);
  assert.match(result.stderr, /context \d+% of 1,000,000/, "/cost shows the context used");
  const asked = requestBody(f.llm, 6);
  assert.match(messagesText(asked), /The user asks that the summary also: keep the file names/);
  const next = requestBody(f.llm, 7);
  assert.match(next.messages[0]?.content[0]?.text ?? "", /SUMMARY-7c1e/);
  assert.doesNotMatch(messagesText(next), /marker-one|"first"/);
  assert.match(messagesText(next), /marker-three[\s\S]*fourth/);
  assert.match(result.stdout, /After compaction\./);
});

Deno.test("/compact with nothing to compact says so and sends nothing", async () => {
  await using f = await fixture();
  const result = await runWithInput(["chat", "--plain"], "/compact\n/exit\n", f.env(), f.work);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /nothing to compact yet/);
  assert.equal(f.llm.requests.length, 0);
});

Deno.test("a failed automatic compaction is reported and the run goes on with the whole history", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    toolTurn("one"),
    toolTurn("two", { input: 900_000, output: 10 }),
    { kind: "error", status: 500, message: "summary broke" },
    { kind: "message", text: "Finished anyway." },
  );
  const result = await runKodelet(["run", "go"], { env: f.env({ KODELET_MAX_RETRIES: "0" }), cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /kodelet: compaction failed: Anthropic server error \(HTTP 500\): summary broke/,
  );
  assert.match(result.stdout, /Finished anyway\./);
  assert.match(messagesText(requestBody(f.llm, 3)), /marker-one[\s\S]*marker-two/, "sent whole");
});
