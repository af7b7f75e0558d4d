/**
 * ConversationStore on real SQLite files in temp directories: migrations, atomic turns, listing,
 * cost totals, deletion, and two real processes writing to one database at once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { ConversationStore, type TurnRecord } from "../../lib/conversations/store.ts";
import { MIGRATIONS } from "../../lib/conversations/migrations.ts";
import type { Message } from "../../lib/llm/types.ts";

const WRITER = fileURLToPath(new URL("../testdata/conversations/writer.ts", import.meta.url));
const DENO_JSON = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** A temp directory with a path for the database in it, removed at the end. */
async function tempDb(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "kodelet-conversations-" });
  return {
    // A subdirectory that does not exist yet: open() creates it, as it does ~/.kodelet.
    path: join(dir, "base", "storage.db"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Opens the store and closes it at the end of the scope. */
function openStore(path: string): ConversationStore & Disposable {
  const store = ConversationStore.open(path, () => new Date("2025-01-01T00:00:00Z"));
  return Object.assign(store, { [Symbol.dispose]: () => store.close() });
}

/** Reads the database behind the store's back. */
function query<T = Record<string, unknown>>(path: string, sql: string, ...params: (string | number)[]): T[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    // Plain objects: node:sqlite's rows have a null prototype, which deepEqual tells apart.
    return db.prepare(sql).all(...params).map((row) => ({ ...row })) as T[];
  } finally {
    db.close();
  }
}

function text(role: Message["role"], value: string): Message {
  return { role, content: [{ type: "text", text: value }] };
}

function turn(conversationId: string, overrides: Partial<TurnRecord> = {}): TurnRecord {
  return {
    conversationId,
    provider: "anthropic",
    model: "claude-sonnet-5-5",
    messages: [text("user", "question"), text("assistant", "answer")],
    usage: { input: 10, output: 5, cacheRead: 3, cacheWrite: 2, reasoning: 1 },
    costUsd: 0.01,
    todos: [],
    summary: "",
    ...overrides,
  };
}

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));

Deno.test("ConversationStore.open migrates a new database to the latest schema version in WAL mode", async () => {
  await using db = await tempDb();
  {
    using store = openStore(db.path);
    assert.equal(store.schemaVersion(), 2);
    assert.equal(store.schemaVersion(), MIGRATIONS.at(-1)?.version);
  }
  const tables = query<{ name: string }>(
    db.path,
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  ).map((row) => row.name);
  assert.deepEqual(tables, ["compactions", "conversations", "messages", "schema_migrations"]);
  assert.deepEqual(query(db.path, "SELECT version, applied_at FROM schema_migrations"), [
    { version: 1, applied_at: "2025-01-01T00:00:00.000Z" },
    { version: 2, applied_at: "2025-01-01T00:00:00.000Z" },
  ]);
  assert.equal(query<{ journal_mode: string }>(db.path, "PRAGMA journal_mode")[0]?.journal_mode, "wal");
});

Deno.test("ConversationStore.open is idempotent: reopening keeps the data and applies no migration twice", async () => {
  await using db = await tempDb();
  {
    using store = openStore(db.path);
    store.saveTurn(turn("conv-1", { summary: "kept" }), at(0));
  }
  for (let i = 0; i < 3; i++) {
    using store = openStore(db.path);
    assert.equal(store.schemaVersion(), 2);
    assert.equal(store.get("conv-1")?.summary, "kept");
  }
  assert.equal(query(db.path, "SELECT * FROM schema_migrations").length, 2);
});

Deno.test("ConversationStore.saveTurn is atomic: a failure half way writes nothing of the turn", async () => {
  await using db = await tempDb();
  using store = openStore(db.path);
  // JSON.stringify calls toJSON while the transaction is open, after the first message was inserted.
  const poisoned = {
    role: "assistant",
    content: [{
      type: "text",
      text: "x",
      toJSON: () => {
        throw new Error("toJSON boom");
      },
    }],
  } as unknown as Message;

  // A new conversation: not even its row may remain.
  assert.throws(
    () =>
      store.saveTurn(turn("conv-new", { messages: [text("user", "hi"), poisoned], summary: "nope" }), at(1)),
    /toJSON boom/,
  );
  assert.equal(store.get("conv-new"), undefined);
  assert.deepEqual(store.list(), []);
  assert.equal(query(db.path, "SELECT * FROM messages").length, 0);

  // An existing conversation: its totals, messages and todos stay as they were.
  store.saveTurn(turn("conv-old", { summary: "old", todos: [] }), at(2));
  const before = store.get("conv-old");
  assert.throws(
    () =>
      store.saveTurn(
        turn("conv-old", {
          messages: [text("user", "more"), poisoned],
          costUsd: 5,
          todos: [{ id: "1", content: "never saved", status: "pending", priority: "high" }],
        }),
        at(3),
      ),
    /toJSON boom/,
  );
  assert.deepEqual(store.get("conv-old"), before);
  assert.equal(query(db.path, "SELECT * FROM messages WHERE conversation_id = 'conv-old'").length, 2);

  // No transaction was left open: the store goes on working.
  store.saveTurn(turn("conv-old"), at(4));
  assert.equal(store.get("conv-old")?.turns, 2);
});

Deno.test("ConversationStore.list shows conversations newest first with their totals", async () => {
  await using db = await tempDb();
  using store = openStore(db.path);
  store.saveTurn(turn("conv-a", { summary: "first conversation" }), at(1));
  store.saveTurn(turn("conv-b", { summary: "second conversation", model: "claude-opus-5" }), at(2));
  store.saveTurn(
    turn("conv-a", {
      usage: { input: 100, output: 50, cacheRead: 30, cacheWrite: 20, reasoning: 0 },
      costUsd: 0.02,
      summary: "ignored: only the first turn names the conversation",
    }),
    at(3),
  );
  const list = store.list();
  assert.deepEqual(list.map((conversation) => conversation.id), ["conv-a", "conv-b"]);
  const [a, b] = list;
  assert.ok(a && b);
  assert.deepEqual(a, {
    id: "conv-a",
    createdAt: at(1).toISOString(),
    updatedAt: at(3).toISOString(),
    provider: "anthropic",
    model: "claude-sonnet-5-5",
    summary: "first conversation",
    turns: 2,
    usage: { input: 110, output: 55, cacheRead: 33, cacheWrite: 22 },
    costUsd: 0.03,
  });
  assert.equal(b.turns, 1);
  assert.equal(b.model, "claude-opus-5");
  assert.equal(b.summary, "second conversation");
  assert.deepEqual(store.list(1).map((conversation) => conversation.id), ["conv-a"]);
  assert.equal(store.latestId(), "conv-a");
});

Deno.test("ConversationStore keeps cost unknown when every turn's cost is unknown, and sums the known ones otherwise", async () => {
  await using db = await tempDb();
  using store = openStore(db.path);
  store.saveTurn(turn("unknown", { costUsd: undefined }), at(1));
  store.saveTurn(turn("unknown", { costUsd: undefined }), at(2));
  store.saveTurn(turn("mixed", { costUsd: undefined }), at(3));
  store.saveTurn(turn("mixed", { costUsd: 0.25 }), at(4));
  store.saveTurn(turn("mixed", { costUsd: 0.5 }), at(5));
  store.saveTurn(turn("free", { costUsd: 0 }), at(6));

  assert.equal(store.get("unknown")?.costUsd, undefined);
  assert.deepEqual(query(db.path, "SELECT cost_usd FROM conversations WHERE id = 'unknown'"), [{
    cost_usd: null,
  }]);
  assert.equal(store.get("mixed")?.costUsd, 0.75);
  assert.equal(store.get("free")?.costUsd, 0, "a known cost of 0 is not unknown");
});

Deno.test("ConversationStore.get returns the messages in order and the latest todos", async () => {
  await using db = await tempDb();
  using store = openStore(db.path);
  const first: Message[] = [
    text("user", "list files"),
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "ls", signature: "sig" },
        { type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls" } },
      ],
    },
    {
      role: "user",
      content: [{ type: "tool_result", toolUseId: "toolu_1", content: "a.ts", isError: false }],
    },
  ];
  const todo = { id: "1", content: "read a.ts", status: "in_progress", priority: "high" } as const;
  store.saveTurn(turn("conv", { messages: first, todos: [] }), at(1));
  store.saveTurn(turn("conv", { messages: [text("assistant", "There is a.ts.")], todos: [todo] }), at(2));
  const conversation = store.get("conv");
  assert.ok(conversation);
  assert.deepEqual(conversation.messages, [...first, text("assistant", "There is a.ts.")]);
  assert.deepEqual(conversation.todos, [todo]);
  assert.equal(store.get("missing"), undefined);
});

Deno.test("ConversationStore.delete removes a conversation and its messages and says whether there was one", async () => {
  await using db = await tempDb();
  using store = openStore(db.path);
  store.saveTurn(turn("doomed"), at(1));
  store.saveTurn(turn("doomed"), at(2));
  store.saveTurn(turn("kept"), at(3));
  assert.equal(store.delete("doomed"), true);
  assert.equal(store.get("doomed"), undefined);
  assert.deepEqual(store.list().map((conversation) => conversation.id), ["kept"]);
  assert.equal(query(db.path, "SELECT * FROM messages WHERE conversation_id = 'doomed'").length, 0);
  assert.equal(query(db.path, "SELECT * FROM messages WHERE conversation_id = 'kept'").length, 2);
  assert.equal(store.delete("doomed"), false);
  assert.equal(store.delete("never-existed"), false);
});

Deno.test("ConversationStore: two processes writing 50 turns each to one new database at once lose nothing", async () => {
  await using db = await tempDb();
  const startAt = Date.now() + 1_500;
  const writer = (label: string) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--config",
        DENO_JSON,
        WRITER,
        db.path,
        "shared",
        label,
        "50",
      ],
      env: { WRITER_START_AT: String(startAt) },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const outputs = await Promise.all([writer("A"), writer("B")]);
  const decoder = new TextDecoder();
  const reports = outputs.map((output) => {
    const stderr = decoder.decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.doesNotMatch(stderr, /SQLITE_BUSY|database is locked/i);
    return JSON.parse(decoder.decode(output.stdout)) as { firstAt: number; lastAt: number };
  });
  const [a, b] = reports;
  assert.ok(a && b);
  assert.ok(a.firstAt < b.lastAt && b.firstAt < a.lastAt, "the two writers overlapped in time");

  using store = openStore(db.path);
  assert.equal(store.schemaVersion(), 2);
  assert.equal(query(db.path, "SELECT * FROM schema_migrations").length, 2, "migrated once");
  const conversation = store.get("shared");
  assert.ok(conversation);
  assert.equal(conversation.turns, 100);
  assert.equal(conversation.usage.input, 100);
  assert.equal(conversation.usage.output, 200);
  assert.equal(conversation.costUsd, 50);
  assert.equal(conversation.messages.length, 200);
  const texts = conversation.messages.map((message) =>
    message.content[0]?.type === "text" ? message.content[0].text : ""
  );
  for (const label of ["A", "B"]) {
    // Each writer's turns are all there, whole (user then its answer) and in its own order.
    const mine = texts.filter((value) => value === `${label} ${value.split(" ").at(-1)}`);
    assert.deepEqual(mine, Array.from({ length: 50 }, (_, i) => `${label} ${i}`));
    for (let index = 0; index < texts.length; index += 2) {
      if (texts[index]?.startsWith(`${label} `)) assert.equal(texts[index + 1], `ack ${texts[index]}`);
    }
  }
  const seqs = query<{ seq: number }>(db.path, "SELECT seq FROM messages ORDER BY seq").map((row) => row.seq);
  assert.deepEqual(seqs, Array.from({ length: 200 }, (_, i) => i + 1));
});

Deno.test("ConversationStore keeps compaction records beside the whole history, and deletes them with it", async () => {
  await using db = await tempDb();
  using store = openStore(db.path);
  const record = {
    summary: "the task so far",
    keptFrom: 1,
    reason: "threshold",
    model: "claude-sonnet-5-5",
    tokensBefore: 800_000,
    tokensAfter: 12_000,
  };
  store.saveCompaction("never-saved", record, at(0));
  assert.equal(query(db.path, "SELECT * FROM compactions").length, 0, "nothing to point at yet");
  store.saveTurn(turn("conv-c"), at(1));
  store.saveCompaction("conv-c", record, at(2));
  store.saveCompaction("conv-c", { ...record, summary: "later", keptFrom: 2, reason: "manual" }, at(3));
  const conversation = store.get("conv-c");
  assert.equal(conversation?.messages.length, 2, "the history stays whole");
  assert.deepEqual(conversation?.compactions, [
    { ...record, createdAt: at(2).toISOString() },
    { ...record, summary: "later", keptFrom: 2, reason: "manual", createdAt: at(3).toISOString() },
  ]);
  assert.equal(conversation?.updatedAt, at(3).toISOString());
  assert.ok(store.delete("conv-c"));
  assert.equal(query(db.path, "SELECT * FROM compactions").length, 0);
});

Deno.test("ConversationStore migrates a version-1 database, keeping its conversations", async () => {
  await using db = await tempDb();
  {
    await Deno.mkdir(join(db.path, ".."), { recursive: true });
    const raw = new DatabaseSync(db.path);
    raw.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    raw.exec(MIGRATIONS[0]?.sql ?? "");
    raw.prepare("INSERT INTO schema_migrations VALUES (1, ?)").run(at(0).toISOString());
    raw.prepare(
      "INSERT INTO conversations (id, created_at, updated_at, provider, model, turns) VALUES (?, ?, ?, ?, ?, 1)",
    ).run("old", at(0).toISOString(), at(0).toISOString(), "anthropic", "claude-sonnet-5-5");
    raw.prepare("INSERT INTO messages VALUES (?, 1, 'user', ?, ?)")
      .run("old", JSON.stringify([{ type: "text", text: "from version 1" }]), at(0).toISOString());
    raw.close();
  }
  using store = openStore(db.path);
  assert.equal(store.schemaVersion(), 2);
  const old = store.get("old");
  assert.deepEqual(old?.compactions, []);
  assert.deepEqual(old?.messages, [{ role: "user", content: [{ type: "text", text: "from version 1" }] }]);
});
