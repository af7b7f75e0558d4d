/**
 * ChatController without a terminal: the prompt is usable before the session has opened, and what
 * is sent before then waits for it.
 */
import assert from "node:assert/strict";
import type { AgentEvents, AgentResult, AgentSession } from "../../../lib/agent/mod.ts";
import { ChatController } from "../../../lib/cli/tui/controller.ts";
import { createStyle } from "../../../lib/cli/format.ts";
import { zeroUsage } from "../../../lib/llm/mod.ts";

function fakeSession(asked: string[], events: () => AgentEvents): AgentSession {
  return {
    conversationId: "conv-1",
    model: "claude-opus-4-7",
    saving: false,
    ask(text: string): Promise<AgentResult> {
      asked.push(text);
      events().onThinking?.("Plan: say hi.\nThen stop.");
      events().onText?.("hi there");
      return Promise.resolve({
        turns: 1,
        usage: zeroUsage(),
        costUsd: undefined,
        stopReason: "done",
        text: "hi there",
        durationMs: 1,
      });
    },
    spent: () => ({ usage: zeroUsage(), costUsd: undefined }),
    newConversation() {},
    compact: () => Promise.resolve(undefined),
    contextUsage: () => undefined,
    messages: () => [],
    close: () => Promise.resolve(),
  };
}

function controllerWith(open: (events: AgentEvents) => Promise<AgentSession>): ChatController {
  return new ChatController({
    openSession: (events) => open(events),
    model: "configured-model",
    style: createStyle(false),
    redact: (text) => text,
    cwd: "/",
    traceId: undefined,
    keys: "",
    onExit() {},
  });
}

Deno.test("a prompt sent before the session has opened is sent once it is; the status line shows the model at once", async () => {
  const asked: string[] = [];
  const { promise: opened, resolve: open } = Promise.withResolvers<void>();
  let events: AgentEvents = {};
  const controller = controllerWith(async (heard) => {
    events = heard;
    await opened;
    return fakeSession(asked, () => events);
  });
  assert.equal(controller.getState().status.model, "configured-model");
  assert.equal(controller.submit("hello"), true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(asked, [], "nothing is sent before the session is open");
  assert.equal(controller.getState().turn?.activity, "starting");
  open();
  await controller.ready;
  while (controller.busy) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(asked, ["hello"]);
  const state = controller.getState();
  assert.equal(state.status.model, "claude-opus-4-7", "the session's model replaces the configured one");
  assert.deepEqual(
    state.transcript.map((item) => item.kind),
    ["user", "thinking", "answer"],
    "thinking is folded into the transcript before the answer",
  );
  const thinking = state.transcript[1];
  assert.equal(thinking?.kind === "thinking" ? thinking.lines : -1, 2);
  controller.toggleThinking();
  assert.equal(controller.getState().thinkingExpanded, true);
  assert.equal(controller.getState().thinking?.text, "Plan: say hi.\nThen stop.");
});

Deno.test("Esc while the session still opens cancels the waiting prompt; it is never sent", async () => {
  const asked: string[] = [];
  const { promise: opened, resolve: open } = Promise.withResolvers<void>();
  const controller = controllerWith(async () => {
    await opened;
    return fakeSession(asked, () => ({}));
  });
  controller.submit("never mind");
  assert.equal(controller.cancelTurn(), true);
  open();
  while (controller.busy) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(asked, []);
  assert.equal(controller.getState().transcript.at(-1)?.kind, "notice");
});

Deno.test("a session that cannot open rejects ready, and a waiting prompt says why", async () => {
  const controller = controllerWith(() => Promise.reject(new Error("Missing anthropic.api_key")));
  controller.submit("hello");
  await assert.rejects(controller.ready, /Missing anthropic\.api_key/);
  while (controller.busy) await new Promise((resolve) => setTimeout(resolve, 5));
  const last = controller.getState().transcript.at(-1);
  assert.deepEqual(last?.kind === "notice" ? [last.tone, last.text] : [], [
    "error",
    "Missing anthropic.api_key",
  ]);
  await controller.close();
});
