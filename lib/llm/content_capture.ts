/**
 * Messages in the shape the GenAI semantic conventions give gen_ai.input.messages and
 * gen_ai.output.messages ({ role, parts: [...] }), fitted to a size limit by keeping the newest
 * messages: a long conversation must still show the prompt that was just sent.
 */
import { truncateBytes } from "../telemetry/mod.ts";
import type { ContentBlock, FinishReason, Message } from "./types.ts";

type Part = Record<string, unknown>;

function part(block: ContentBlock): Part {
  switch (block.type) {
    case "text":
      return { type: "text", content: block.text };
    case "thinking":
      return { type: "reasoning", content: block.thinking };
    case "redacted_thinking":
      return { type: "reasoning", content: "[redacted by the provider]" };
    case "tool_use":
      return { type: "tool_call", id: block.id, name: block.name, arguments: block.input };
    case "tool_result":
      return { type: "tool_call_response", id: block.toolUseId, response: block.content };
  }
}

/** A conventions-shaped message list. */
export function conventionMessages(messages: readonly Message[]): Part[] {
  return messages.map((message) => ({
    // A user message that only carries tool results is the tool's answer.
    role: message.content.every((block) => block.type === "tool_result") ? "tool" : message.role,
    parts: message.content.map(part),
  }));
}

/** The assistant's answer, conventions-shaped. */
export function conventionOutput(content: readonly ContentBlock[], finishReason: FinishReason): Part[] {
  return [{ role: "assistant", parts: content.map(part), finish_reason: finishReason }];
}

const encoder = new TextEncoder();

/**
 * JSON of the newest items that fit in maxBytes (after redaction); when even the newest alone is
 * too big, it is cut (and the value is no longer valid JSON, which the truncation notice says).
 */
export function fitNewest(
  items: readonly unknown[],
  maxBytes: number,
  redact: (text: string) => string,
): string {
  for (let start = 0; start < items.length; start++) {
    const json = redact(JSON.stringify(items.slice(start)));
    if (encoder.encode(json).length <= maxBytes) return json;
  }
  return truncateBytes(redact(JSON.stringify(items.slice(-1))), maxBytes);
}
