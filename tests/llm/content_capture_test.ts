import assert from "node:assert/strict";
import { conventionMessages, conventionOutput, fitNewest } from "../../lib/llm/content_capture.ts";
import type { Message } from "../../lib/llm/types.ts";

const conversation: Message[] = [
  { role: "user", content: [{ type: "text", text: "old question ".repeat(40) }] },
  { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "bash", input: { command: "ls" } }] },
  { role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "a.txt", isError: false }] },
  { role: "user", content: [{ type: "text", text: "the newest prompt" }] },
];

Deno.test("conventionMessages gives the GenAI role/parts shape, tool results as role tool", () => {
  assert.deepEqual(conventionMessages(conversation).slice(1), [
    {
      role: "assistant",
      parts: [{ type: "tool_call", id: "t1", name: "bash", arguments: { command: "ls" } }],
    },
    { role: "tool", parts: [{ type: "tool_call_response", id: "t1", response: "a.txt" }] },
    { role: "user", parts: [{ type: "text", content: "the newest prompt" }] },
  ]);
  assert.deepEqual(conventionOutput([{ type: "text", text: "hi" }], "stop"), [
    { role: "assistant", parts: [{ type: "text", content: "hi" }], finish_reason: "stop" },
  ]);
});

Deno.test("fitNewest drops the oldest messages first and keeps valid JSON while it can", () => {
  const json = fitNewest(conventionMessages(conversation), 300, (text) => text);
  const kept = JSON.parse(json) as { parts: { content?: string }[] }[];
  assert.ok(kept.length < conversation.length, "the old question was dropped");
  assert.equal(kept.at(-1)?.parts[0]?.content, "the newest prompt");
  assert.ok(!json.includes("old question"));
});

Deno.test("fitNewest cuts the newest message when even it does not fit, and redacts first", () => {
  const long: Message[] = [{
    role: "user",
    content: [{ type: "text", text: "sk-ant-abcdefghijkl " + "x".repeat(500) }],
  }];
  const text = fitNewest(
    conventionMessages(long),
    100,
    (value) => value.replaceAll("sk-ant-abcdefghijkl", "[REDACTED]"),
  );
  assert.match(
    text,
    /^\[\{"role":"user","parts":\[\{"type":"text","content":"\[REDACTED\] x+…\[truncated \d+ bytes\]$/,
  );
});
