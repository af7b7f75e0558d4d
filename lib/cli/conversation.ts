/** `kodelet conversation list|show|delete`: the saved conversations. */
import type { CompactionRecord, ConversationStore } from "../conversations/mod.ts";
import { UserFacingError } from "../errors.ts";
import { escapeControl, stripTerminalControls } from "../safe_text.ts";
import type { Command, CommandContext } from "./command.ts";
import { formatCost, formatCount } from "./format.ts";
import { limitFlag } from "./parse.ts";

/** Runs fn with the conversation store open, and closes it whatever happens. */
async function withStore<T>(
  context: CommandContext,
  fn: (store: ConversationStore) => T,
): Promise<Awaited<T>> {
  const { openConversationStore } = await import("../conversations/mod.ts");
  const store = openConversationStore(context.config.basePath);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** `conversation list`. */
export const conversationListCommand: Command = {
  path: ["conversation", "list"],
  summary: "saved conversations, newest first",
  usage: "",
  flags: [
    { name: "json", type: "boolean", description: "print JSON" },
    { name: "limit", type: "string", description: "how many (default 50)" },
  ],
  args: { min: 0, max: 0 },
  async run(context) {
    const limit = limitFlag(context.args.flags.limit, 50);
    return await withStore(context, (store) => {
      const conversations = store.list(limit);
      if (context.args.flags.json === true) {
        context.io.stdout(JSON.stringify(conversations, null, 2) + "\n");
        return 0;
      }
      if (conversations.length === 0) {
        context.io.stderr("no saved conversations\n");
        return 0;
      }
      for (const item of conversations) {
        // "in" as `run`'s summary and `trace list` count it: input not read from or written to the cache.
        const tokens = `${formatCount(item.usage.input)}/${formatCount(item.usage.output)}`;
        context.io.stdout(
          `${item.id}  ${
            item.updatedAt.slice(0, 19).replace("T", " ")
          }  ${item.model}  ${item.turns} turns  ` +
            `${tokens} tok  ${formatCost(item.costUsd)}  ${item.summary}\n`,
        );
      }
      return 0;
    });
  },
};

/** `conversation show ID`. */
export const conversationShowCommand: Command = {
  path: ["conversation", "show"],
  summary: "print a saved conversation",
  usage: "<id>",
  flags: [{ name: "json", type: "boolean", description: "print JSON" }],
  args: { min: 1, max: 1 },
  async run(context) {
    const id = context.args.positionals[0] ?? "";
    return await withStore(context, (store) => {
      const conversation = store.get(id);
      if (!conversation) {
        throw new UserFacingError(`No conversation "${id}": see "kodelet conversation list"`);
      }
      if (context.args.flags.json === true) {
        context.io.stdout(JSON.stringify(conversation, null, 2) + "\n");
        return 0;
      }
      context.io.stdout(
        `conversation ${conversation.id} · ${conversation.model} · ${conversation.turns} turns · ${
          formatCost(conversation.costUsd)
        }\n\n`,
      );
      for (const [index, message] of conversation.messages.entries()) {
        for (const compaction of conversation.compactions.filter((item) => item.keptFrom === index)) {
          context.io.stdout(`${compactionMarker(compaction)}\n\n`);
        }
        for (const block of message.content) {
          if (block.type === "text") {
            const text = stripTerminalControls(block.text);
            context.io.stdout(`${message.role === "user" ? "you" : "kodelet"}: ${text}\n\n`);
          } else if (block.type === "tool_use") {
            context.io.stdout(`  → ${escapeControl(block.name)} ${JSON.stringify(block.input)}\n`);
          } else if (block.type === "tool_result") {
            const first = stripTerminalControls(block.content).split("\n").slice(0, 3).join("\n    ");
            context.io.stdout(`  ${block.isError ? "✗" : "✓"} ${first}\n`);
          }
        }
      }
      for (const compaction of conversation.compactions) {
        if (compaction.keptFrom >= conversation.messages.length) {
          context.io.stdout(`${compactionMarker(compaction)}\n`);
        }
      }
      return 0;
    });
  },
};

/** Where later requests started from a summary instead of the messages above. */
function compactionMarker(compaction: CompactionRecord): string {
  return `── compacted (${compaction.reason}, ${compaction.model}): the messages above were summarised for ` +
    `later requests, ~${compaction.tokensBefore} → ~${compaction.tokensAfter} tokens ──`;
}

/** `conversation delete ID`. */
export const conversationDeleteCommand: Command = {
  path: ["conversation", "delete"],
  summary: "delete a saved conversation",
  usage: "<id>",
  flags: [],
  args: { min: 1, max: 1 },
  async run(context) {
    const id = context.args.positionals[0] ?? "";
    return await withStore(context, (store) => {
      if (!store.delete(id)) {
        throw new UserFacingError(`No conversation "${id}": see "kodelet conversation list"`);
      }
      context.io.stderr(`deleted ${id}\n`);
      return 0;
    });
  },
};
