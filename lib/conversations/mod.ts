/** Saved conversations: SQLite storage of threads under the base path. */
import { join } from "node:path";
import { ConversationStore } from "./store.ts";

export {
  type CompactionRecord,
  type Conversation,
  ConversationStore,
  type ConversationSummary,
  type TurnRecord,
} from "./store.ts";

/** The store at <base_path>/storage.db, as kodelet keeps it. */
export function openConversationStore(basePath: string): ConversationStore {
  return ConversationStore.open(join(basePath, "storage.db"));
}

/** A new conversation id: sortable by time, unique across processes. */
export function newConversationId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "").replace("T", "-");
  return `${stamp}-${crypto.randomUUID().slice(0, 8)}`;
}
