/**
 * The pure parts of compaction: a rough token estimate, where a conversation may be cut (never
 * between a tool call and its result), which recent turns stay verbatim, how an over-long history is
 * shrunk so that even the summary request fits, and the message that carries a summary.
 */
import type { ContentBlock, Message } from "../llm/mod.ts";

/** Characters per token for the estimate; a little low, so that estimates err on the large side. */
const CHARS_PER_TOKEN = 3.5;
/** Model turns (assistant messages) kept verbatim after a summary. */
export const KEEP_RECENT_TURNS = 2;
/** The most of the window the kept turns may fill; beyond it fewer turns are kept. */
export const KEEP_RECENT_SHARE = 0.25;
/** A tool result longer than this is shortened in a summary request that has to shrink. */
const LONG_RESULT_CHARS = 4000;

function blockChars(block: ContentBlock): number {
  switch (block.type) {
    case "text":
      return block.text.length;
    case "thinking":
      return block.thinking.length;
    case "redacted_thinking":
      return block.data.length;
    case "tool_use":
      return block.name.length + JSON.stringify(block.input).length;
    case "tool_result":
      return block.content.length;
  }
}

/** A rough token count of some text, the same way for every provider. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** A rough token count of messages (content plus a few tokens of framing each). */
export function estimateTokens(messages: readonly Message[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += 16;
    for (const block of message.content) chars += blockChars(block) + 8;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Whether a conversation may start at `index`: not at tool results whose calls would be cut off. */
export function isCutPoint(messages: readonly Message[], index: number): boolean {
  const message = messages[index];
  if (!message) return false;
  return message.role === "assistant" || !message.content.some((block) => block.type === "tool_result");
}

/**
 * Where the verbatim part starts when messages[from..] is compacted: the earliest cut point whose
 * suffix holds at most KEEP_RECENT_TURNS model turns and fits in `maxTokens`; later cut points when
 * it does not fit. Returns `from` when nothing before the recent turns is left to summarise.
 */
export function recentCut(messages: readonly Message[], from: number, maxTokens: number): number {
  let best = messages.length;
  let turns = 0;
  for (let index = messages.length - 1; index > from; index--) {
    if (messages[index]?.role === "assistant") turns++;
    if (turns > KEEP_RECENT_TURNS) break;
    if (!isCutPoint(messages, index)) continue;
    if (estimateTokens(messages.slice(index)) > maxTokens && best < messages.length) break;
    best = index;
  }
  // The newest cut point is kept even when it alone is too big: it holds the pending question.
  return best === messages.length ? from : best;
}

function shortenResults(message: Message): Message {
  const content = message.content.map((block): ContentBlock => {
    if (block.type !== "tool_result" || block.content.length <= LONG_RESULT_CHARS) return block;
    const head = block.content.slice(0, LONG_RESULT_CHARS / 2);
    const tail = block.content.slice(-LONG_RESULT_CHARS / 4);
    const cut = block.content.length - head.length - tail.length;
    return { ...block, content: `${head}\n[... ${cut} characters left out for the summary ...]\n${tail}` };
  });
  return { role: message.role, content };
}

const LEFT_OUT: Message = {
  role: "user",
  content: [{
    type: "text",
    text: "[The earliest part of this conversation was left out to fit the context window.]",
  }],
};

/**
 * The history a summary request can carry within `budget` tokens: unchanged when it fits; else long
 * tool results are shortened, and then the oldest messages dropped (at cut points), newest kept.
 */
export function fitForSummary(messages: readonly Message[], budget: number): Message[] {
  if (estimateTokens(messages) <= budget) return [...messages];
  const shortened = messages.map(shortenResults);
  let start = 0;
  while (start < shortened.length - 1 && estimateTokens(shortened.slice(start)) > budget) {
    start++;
    while (start < shortened.length - 1 && !isCutPoint(shortened, start)) start++;
  }
  const kept = shortened.slice(start);
  // Providers want the conversation to open with the user.
  return start > 0 || kept[0]?.role === "assistant" ? [LEFT_OUT, ...kept] : kept;
}

/** The user message that stands for the summarised part of a conversation. */
export function summaryMessage(summary: string): Message {
  return {
    role: "user",
    content: [{
      type: "text",
      text: "This conversation was compacted to fit the context window. A summary of the earlier part:\n\n" +
        `<summary>\n${summary.trim()}\n</summary>\n\nThe most recent turns follow verbatim.`,
    }],
  };
}

/** What the model is asked to write when compacting; `instructions` come from `/compact ...`. */
export function summaryRequest(instructions: string | undefined): Message {
  const lines = [
    "Stop here and write a summary of this conversation so far, so that the work can go on from it",
    "without the earlier messages. The most recent turns will be kept after your summary. Cover:",
    "1. The task: what the user asked for, in their words where they matter, and any constraints.",
    "2. Decisions made and why; approaches tried that did not work.",
    "3. Files read, created or changed (paths), and the state they are in.",
    "4. Open todos and problems not yet solved.",
    "5. What is left to do next.",
    "Write plain text, be complete but brief, and do not call any tools.",
  ];
  if (instructions !== undefined && instructions.trim() !== "") {
    lines.push("", `The user asks that the summary also: ${instructions.trim()}`);
  }
  return { role: "user", content: [{ type: "text", text: lines.join("\n") }] };
}
