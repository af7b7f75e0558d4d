/**
 * A real second process for the conversation store tests: opens the store (running the migrations
 * if it is the first) and saves turns to one conversation, yielding between turns so that another
 * writer interleaves, then prints what it did as one JSON line on stdout.
 *
 *   writer.ts <dbPath> <conversationId> <label> <turns>
 *
 * WRITER_START_AT (ms since the epoch) makes it wait until then, so that two writers surely overlap.
 */
import { ConversationStore } from "../../../lib/conversations/store.ts";

const [dbPath = "", conversationId = "", label = "", turnsArg = "1"] = Deno.args;
const turns = Number(turnsArg);

const startAt = Number(Deno.env.get("WRITER_START_AT") ?? 0);
if (startAt - 50 > Date.now()) await new Promise((resolve) => setTimeout(resolve, startAt - 50 - Date.now()));
// Spin the last few milliseconds: both writers then open the new database within a fraction of a
// millisecond of each other, which is when creating it races.
while (Date.now() < startAt) {
  // busy wait
}

const firstAt = Date.now();
const store = ConversationStore.open(dbPath);
for (let i = 0; i < turns; i++) {
  store.saveTurn({
    conversationId,
    provider: "anthropic",
    model: "claude-sonnet-5-5",
    messages: [
      { role: "user", content: [{ type: "text", text: `${label} ${i}` }] },
      { role: "assistant", content: [{ type: "text", text: `ack ${label} ${i}` }] },
    ],
    usage: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    costUsd: 0.5,
    todos: [],
    summary: "two writers",
  });
  // Let the other writer in between our turns.
  await new Promise((resolve) => setTimeout(resolve, 1));
}
store.close();
console.log(JSON.stringify({ label, turns, firstAt, lastAt: Date.now() }));
