/**
 * runAgent in-process: the real anthropicClient (with kodelet's retry and chat-span wrappers)
 * against the scripted LLM server, a real ToolRegistry with tiny test tools, and an in-memory span
 * exporter. A tracer provider and an AsyncLocalStorage context manager are registered globally,
 * which is why this file stands alone (each test file runs in its own isolate).
 */
import assert from "node:assert/strict";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import * as z from "zod/mini";
import type { TurnRecord } from "../../lib/conversations/mod.ts";
import { anthropicClient } from "../../lib/llm/anthropic.ts";
import { withRetries } from "../../lib/llm/retrying_client.ts";
import { runAgent, type Thread } from "../../lib/agent/thread.ts";
import { withChatSpans } from "../../lib/llm/traced_client.ts";
import { LlmError, type Message } from "../../lib/llm/types.ts";
import { testToolEnvironment } from "../tools/_context.ts";
import { type ToolEnvironment, ToolRegistry } from "../../lib/tools/registry.ts";
import { defineTool, type Tool, toolOutput } from "../../lib/tools/tool.ts";
import { type LlmServer, startLlmServer } from "../support/llm_server.ts";

const memory = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }));

const MODEL = "claude-sonnet-5-5";
// How long a barrier waits for the other calls before it decides the tools ran one at a time.
const BARRIER_TIMEOUT_MS = 3_000;

// ---------------------------------------------------------------------------------------------
// Test tools

/** Opens only when `count` calls have arrived; a call that waits too long fails. */
function barrier(count: number) {
  let arrived = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const { promise: open, resolve } = Promise.withResolvers<void>();
  return {
    get maxInFlight() {
      return maxInFlight;
    },
    async arrive(): Promise<void> {
      arrived++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (arrived === count) resolve();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`only ${arrived} of ${count} calls started: tools ran one at a time`)),
          BARRIER_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([open, timeout]);
      } finally {
        clearTimeout(timer);
        inFlight--;
      }
    },
  };
}

const labelParameters = z.object({ label: z.string().check(z.describe("A label to echo.")) });

function rendezvousTool(gate: ReturnType<typeof barrier>): Tool {
  return defineTool({
    name: "rendezvous",
    description: "Waits until its sibling calls have started too, then echoes its label.",
    parameters: labelParameters,
    readOnly: true,
    async execute(args) {
      await gate.arrive();
      return toolOutput(`${args.label} met the others`);
    },
  });
}

const echoTool = defineTool({
  name: "echo",
  description: "Echoes its label.",
  parameters: labelParameters,
  readOnly: true,
  execute: (args) => Promise.resolve(toolOutput(`echo: ${args.label}`)),
});

const explodeTool = defineTool({
  name: "explode",
  description: "Always throws.",
  parameters: z.object({}),
  readOnly: true,
  execute: () => Promise.reject(new Error("kaboom")),
});

const askHelperTool = defineTool({
  name: "ask_helper",
  description: "Asks a nested agent.",
  parameters: z.object({ question: z.string() }),
  readOnly: true,
  async execute(args, ctx) {
    if (!ctx.subagent) return toolOutput("no helper");
    return toolOutput(`helper says: ${await ctx.subagent(args.question, ctx.signal)}`);
  },
});

// ---------------------------------------------------------------------------------------------
// Fixture

function environment(): ToolEnvironment {
  return testToolEnvironment(Deno.cwd(), { env: {}, captureMaxBytes: 4096 });
}

/** A thread as the agent session builds one (retries inside chat spans), recording what it persists. */
function makeThread(
  server: LlmServer,
  tools: Tool[],
  overrides: Partial<Thread> = {},
): Thread & { persisted: TurnRecord[] } {
  const persisted: TurnRecord[] = [];
  const client = withChatSpans(
    withRetries(
      anthropicClient({ apiKey: "sk-ant-test-thread-0000000000", baseUrl: server.anthropicBaseUrl }),
      {
        maxRetries: 2,
        baseDelayMs: 1,
      },
    ),
    {
      conversationId: "conv-thread-test",
      captureContent: false,
      captureMaxBytes: 4096,
      redact: (text) => text,
    },
  );
  return Object.assign(
    {
      conversationId: "conv-thread-test",
      client,
      registry: new ToolRegistry(tools),
      tools: environment(),
      model: MODEL,
      system: "You are kodelet, under test.",
      maxTokens: 1024,
      temperature: undefined,
      thinkingBudgetTokens: 0,
      maxTurns: 10,
      messages: [],
      persist: (turn: TurnRecord) => void persisted.push(structuredClone(turn)),
      events: {},
    } satisfies Thread,
    overrides,
    { persisted },
  );
}

async function withServer(fn: (server: LlmServer) => Promise<void>): Promise<void> {
  memory.reset();
  const server = await startLlmServer();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

function named(name: string): ReadableSpan[] {
  return memory.getFinishedSpans().filter((span) => span.name === name);
}

function one(name: string): ReadableSpan {
  const found = named(name);
  assert.equal(
    found.length,
    1,
    `one ${name}: ${memory.getFinishedSpans().map((span) => span.name).join(", ")}`,
  );
  return found[0] as ReadableSpan;
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

function userText(text: string): Message {
  return { role: "user", content: [{ type: "text", text }] };
}

// ---------------------------------------------------------------------------------------------
// Tests

Deno.test("runAgent runs three tool calls of one message concurrently, as three sibling execute_tool spans under invoke_agent", async () => {
  await withServer(async (server) => {
    const gate = barrier(3);
    server.enqueue(
      {
        kind: "message",
        text: "Running three things.",
        toolCalls: [
          { id: "toolu_1", name: "rendezvous", input: { label: "one" } },
          { id: "toolu_2", name: "rendezvous", input: { label: "two" } },
          { id: "toolu_3", name: "rendezvous", input: { label: "three" } },
        ],
        usage: { input: 100, output: 20, cacheRead: 50, cacheCreation: 30 },
      },
      { kind: "message", text: "All three met.", usage: { input: 200, output: 10, cacheRead: 80 } },
    );
    const thread = makeThread(server, [rendezvousTool(gate)]);
    const started: string[] = [];
    const ended: string[] = [];
    thread.events = {
      onToolStart: (call) => started.push(call.id),
      onToolEnd: (call, result) => ended.push(`${call.id}:${result.ok}`),
    };
    const result = await runAgent(thread, "meet up", new AbortController().signal);

    assert.equal(gate.maxInFlight, 3, "all three calls were in flight at once");
    assert.equal(result.stopReason, "done");
    assert.equal(result.turns, 2);
    assert.equal(result.text, "All three met.");
    assert.deepEqual(result.usage, { input: 300, output: 30, cacheRead: 130, cacheWrite: 30, reasoning: 0 });
    assert.equal(typeof result.costUsd, "number");
    assert.deepEqual(started, ["toolu_1", "toolu_2", "toolu_3"]);
    assert.deepEqual([...ended].sort(), ["toolu_1:true", "toolu_2:true", "toolu_3:true"]);

    // The results went back in call order.
    const second = server.requests[1]?.body.messages as {
      role: string;
      content: Record<string, unknown>[];
    }[];
    assert.deepEqual(second.at(-1), {
      role: "user",
      content: ["one", "two", "three"].map((label, index) => ({
        type: "tool_result",
        tool_use_id: `toolu_${index + 1}`,
        content: `${label} met the others`,
        is_error: false,
        // The last block of the newest user message is a prompt-cache breakpoint.
        ...(index === 2 ? { cache_control: { type: "ephemeral" } } : {}),
      })),
    });

    const agent = one("invoke_agent kodelet");
    const chats = named(`chat ${MODEL}`);
    const tools = named("execute_tool rendezvous");
    assert.equal(chats.length, 2);
    assert.equal(tools.length, 3);
    assert.equal(memory.getFinishedSpans().length, 6, "nothing else");
    for (const span of [...chats, ...tools]) {
      assert.equal(parentOf(span), agent.spanContext().spanId, span.name);
      assert.equal(span.spanContext().traceId, agent.spanContext().traceId);
    }
    assert.deepEqual(tools.map((span) => span.attributes["gen_ai.tool.call.id"]).sort(), [
      "toolu_1",
      "toolu_2",
      "toolu_3",
    ]);
    assert.equal(agent.attributes["gen_ai.operation.name"], "invoke_agent");
    assert.equal(agent.attributes["gen_ai.conversation.id"], "conv-thread-test");
    assert.equal(agent.attributes["kodelet.turns"], 2);
    assert.equal(agent.status.code, 1);
  });
});

Deno.test("runAgent persists whole turns: user + assistant + tool results first, then assistant alone", async () => {
  await withServer(async (server) => {
    server.enqueue(
      {
        kind: "message",
        text: "Echoing.",
        toolCalls: [{ id: "toolu_e", name: "echo", input: { label: "hi" } }],
        usage: { input: 11, output: 7 },
      },
      { kind: "message", text: "Done echoing.", usage: { input: 13, output: 3 } },
    );
    const thread = makeThread(server, [echoTool]);
    await runAgent(thread, "please   echo\n hi", new AbortController().signal);

    assert.equal(thread.persisted.length, 2);
    const [first, second] = thread.persisted;
    assert.ok(first && second);
    assert.deepEqual(first.messages, [
      userText("please   echo\n hi"),
      {
        role: "assistant",
        content: [
          { type: "text", text: "Echoing." },
          { type: "tool_use", id: "toolu_e", name: "echo", input: { label: "hi" } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", toolUseId: "toolu_e", content: "echo: hi", isError: false }],
      },
    ]);
    assert.deepEqual(second.messages, [{
      role: "assistant",
      content: [{ type: "text", text: "Done echoing." }],
    }]);
    assert.equal(first.summary, "please echo hi", "the first turn of a new conversation carries its summary");
    assert.deepEqual(first.usage, { input: 11, output: 7, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
    assert.deepEqual(second.usage, { input: 13, output: 3, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
    for (const turn of thread.persisted) {
      assert.equal(turn.conversationId, "conv-thread-test");
      assert.equal(turn.provider, "anthropic");
      assert.equal(turn.model, MODEL);
      assert.equal(typeof turn.costUsd, "number");
    }
    // Memory holds exactly what was persisted, in order.
    assert.deepEqual(thread.messages, thread.persisted.flatMap((turn) => turn.messages));
  });
});

Deno.test("runAgent on a resumed thread sends the earlier messages and saves no new summary", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "Again." });
    const earlier: Message[] = [userText("first"), {
      role: "assistant",
      content: [{ type: "text", text: "ok" }],
    }];
    const thread = makeThread(server, [echoTool], { messages: structuredClone(earlier) });
    await runAgent(thread, "second", new AbortController().signal);
    assert.equal((server.requests[0]?.body.messages as unknown[]).length, 3);
    assert.equal(thread.persisted.length, 1);
    assert.equal(thread.persisted[0]?.summary, "");
    assert.deepEqual(thread.persisted[0]?.messages, [
      userText("second"),
      { role: "assistant", content: [{ type: "text", text: "Again." }] },
    ]);
  });
});

Deno.test("runAgent stops at max_turns with stopReason max_turns and makes no further request", async () => {
  await withServer(async (server) => {
    const call = (id: string) => ({
      kind: "message" as const,
      toolCalls: [{ id, name: "echo", input: { label: id } }],
    });
    server.enqueue(call("toolu_a"), call("toolu_b"), call("toolu_c"));
    const thread = makeThread(server, [echoTool], { maxTurns: 2 });
    const result = await runAgent(thread, "loop forever", new AbortController().signal);
    assert.equal(result.stopReason, "max_turns");
    assert.equal(result.turns, 2);
    assert.equal(server.requests.length, 2);
    assert.equal(server.pending(), 1, "the third reply was never asked for");
    assert.equal(thread.persisted.length, 2, "both turns, with their tool results, were saved");
    assert.equal(one("invoke_agent kodelet").attributes["kodelet.turns"], 2);
  });
});

Deno.test("runAgent cancelled mid-stream throws LlmError cancelled and leaves thread.messages as before the call", async () => {
  await withServer(async (server) => {
    server.enqueue({
      kind: "message",
      text: "a long answer that is interrupted after its first piece",
      chunkDelayMs: 30,
    });
    const earlier: Message[] = [userText("before"), {
      role: "assistant",
      content: [{ type: "text", text: "ok" }],
    }];
    const controller = new AbortController();
    const thread = makeThread(server, [echoTool], {
      messages: structuredClone(earlier),
      events: { onText: () => controller.abort() },
    });
    await assert.rejects(
      runAgent(thread, "interrupt me", controller.signal),
      (error) => error instanceof LlmError && error.kind === "cancelled",
    );
    assert.deepEqual(thread.messages, earlier);
    assert.deepEqual(thread.persisted, [], "nothing of the cancelled turn was saved");
    assert.equal(one("invoke_agent kodelet").status.code, 2);
    assert.equal(one(`chat ${MODEL}`).status.code, 2);
  });
});

Deno.test("runAgent cancelled in a later turn keeps in memory exactly the turns it persisted", async () => {
  await withServer(async (server) => {
    server.enqueue(
      { kind: "message", toolCalls: [{ id: "toolu_1", name: "echo", input: { label: "x" } }] },
      { kind: "message", text: "the second answer, interrupted", chunkDelayMs: 30 },
    );
    const controller = new AbortController();
    const thread = makeThread(server, [echoTool]);
    thread.events = { onText: () => controller.abort() };
    await assert.rejects(
      runAgent(thread, "two turns", controller.signal),
      (error) => error instanceof LlmError && error.kind === "cancelled",
    );
    assert.equal(thread.persisted.length, 1);
    assert.deepEqual(thread.messages, thread.persisted.flatMap((turn) => turn.messages));
  });
});

Deno.test("runAgent that fails for good (401) throws the LlmError and leaves thread.messages as before", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "error", status: 401 });
    const earlier: Message[] = [userText("before"), {
      role: "assistant",
      content: [{ type: "text", text: "ok" }],
    }];
    const thread = makeThread(server, [echoTool], { messages: structuredClone(earlier) });
    await assert.rejects(
      runAgent(thread, "this fails", new AbortController().signal),
      (error) => error instanceof LlmError && error.kind === "auth",
    );
    assert.deepEqual(thread.messages, earlier, "the failed question is not left dangling in memory");
    assert.deepEqual(thread.persisted, []);
  });
});

Deno.test("runAgent retries a 529 inside the chat span and goes on", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "error", status: 529, retryAfterMs: 1 }, {
      kind: "message",
      text: "after the retry",
    });
    const thread = makeThread(server, []);
    const result = await runAgent(thread, "hi", new AbortController().signal);
    assert.equal(result.text, "after the retry");
    const chat = one(`chat ${MODEL}`);
    assert.equal(chat.attributes["kodelet.retries"], 1);
    assert.equal(chat.events.filter((event) => event.name === "retry").length, 1);
  });
});

Deno.test("runAgent turns a tool that throws into a failed tool_result and carries on", async () => {
  await withServer(async (server) => {
    server.enqueue(
      {
        kind: "message",
        toolCalls: [
          { id: "toolu_boom", name: "explode", input: {} },
          { id: "toolu_fine", name: "echo", input: { label: "still here" } },
        ],
      },
      { kind: "message", text: "One tool failed; carrying on." },
    );
    const thread = makeThread(server, [explodeTool, echoTool]);
    const result = await runAgent(thread, "try both", new AbortController().signal);
    assert.equal(result.stopReason, "done");
    const results = thread.persisted[0]?.messages.at(-1)?.content ?? [];
    assert.equal(results.length, 2);
    const [boom, fine] = results;
    assert.ok(boom?.type === "tool_result" && fine?.type === "tool_result");
    assert.equal(boom.toolUseId, "toolu_boom");
    assert.equal(boom.isError, true);
    assert.match(boom.content, /^Error \(Error\): explode failed: kaboom$/);
    assert.equal(fine.isError, false);
    assert.equal(fine.content, "echo: still here");
    // The model saw the failure as an is_error tool_result.
    const sent = JSON.stringify(server.requests[1]?.body.messages);
    assert.match(
      sent,
      /"tool_use_id":"toolu_boom","content":"Error \(Error\): explode failed: kaboom","is_error":true/,
    );
    const span = one("execute_tool explode");
    assert.equal(span.status.code, 2);
    assert.equal(span.attributes["error.type"], "Error");
    assert.equal(one("execute_tool echo").status.code, 1);
    assert.equal(one("invoke_agent kodelet").status.code, 1, "the agent did not fail");
  });
});

Deno.test("runAgent nested inside a tool (a subagent) nests its invoke_agent span under the execute_tool span", async () => {
  await withServer(async (server) => {
    server.enqueue(
      {
        kind: "message",
        toolCalls: [{ id: "toolu_ask", name: "ask_helper", input: { question: "where?" } }],
      },
      { kind: "message", text: "in lib/parse.ts" },
      { kind: "message", text: "The helper found it." },
    );
    const thread = makeThread(server, [askHelperTool, echoTool]);
    // As the agent session does: a nested agent with its own tools and no persistence.
    const { persist: _persist, persisted: _persisted, ...parent } = thread;
    thread.tools.subagent = async (question, signal) => {
      const result = await runAgent(
        {
          ...parent,
          registry: new ToolRegistry([echoTool]),
          tools: environment(),
          messages: [],
          events: {},
          agentName: "kodelet-subagent",
        },
        question,
        signal,
      );
      return result.text;
    };
    const result = await runAgent(thread, "find the parser", new AbortController().signal);
    assert.equal(result.text, "The helper found it.");
    assert.equal(thread.persisted.length, 2, "only the outer agent's turns were saved");
    const sent = JSON.stringify(server.requests[2]?.body.messages);
    assert.match(sent, /helper says: in lib\/parse.ts/);
    assert.deepEqual(server.requests[1]?.body.messages, [
      { role: "user", content: [{ type: "text", text: "where?", cache_control: { type: "ephemeral" } }] },
    ]);

    const outer = one("invoke_agent kodelet");
    const tool = one("execute_tool ask_helper");
    const inner = one("invoke_agent kodelet-subagent");
    const chats = named(`chat ${MODEL}`);
    assert.equal(chats.length, 3);
    assert.equal(parentOf(tool), outer.spanContext().spanId);
    assert.equal(parentOf(inner), tool.spanContext().spanId, "the subagent runs inside the tool's span");
    assert.equal(inner.attributes["gen_ai.agent.name"], "kodelet-subagent");
    const innerChats = chats.filter((chat) => parentOf(chat) === inner.spanContext().spanId);
    const outerChats = chats.filter((chat) => parentOf(chat) === outer.spanContext().spanId);
    assert.equal(innerChats.length, 1);
    assert.equal(outerChats.length, 2);
    for (const span of memory.getFinishedSpans()) {
      assert.equal(span.spanContext().traceId, outer.spanContext().traceId);
    }
  });
});
