/**
 * Conversations in SQLite through Deno's built-in node:sqlite (no native addon, so it survives
 * `deno compile`). WAL mode and a busy timeout let two kodelet processes share the file; each turn
 * is written in one IMMEDIATE transaction, so a crash never leaves half a turn.
 */
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Message, Usage } from "../llm/mod.ts";
import type { TodoItem } from "../tools/mod.ts";
import { MIGRATIONS } from "./migrations.ts";
import { storageError } from "./storage_errors.ts";

/** A conversation's header, as `conversation list` shows it. */
export interface ConversationSummary {
  id: string;
  createdAt: string;
  updatedAt: string;
  provider: string;
  model: string;
  summary: string;
  turns: number;
  usage: Omit<Usage, "reasoning">;
  costUsd: number | undefined;
}

/** A compaction of a conversation: its summary stands for messages [0, keptFrom) in later requests. */
export interface CompactionRecord {
  summary: string;
  /** Index (0-based) of the first message kept verbatim after the summary. */
  keptFrom: number;
  reason: string;
  model: string;
  tokensBefore: number;
  tokensAfter: number;
  createdAt: string;
}

/** A whole conversation. */
export interface Conversation extends ConversationSummary {
  messages: Message[];
  todos: TodoItem[];
  /** Every compaction, oldest first; the last one is where a resumed conversation starts from. */
  compactions: CompactionRecord[];
}

/** What one turn adds to a conversation. */
export interface TurnRecord {
  conversationId: string;
  provider: string;
  model: string;
  /** The messages this turn appended (the user's, the assistant's, tool results), in order. */
  messages: Message[];
  usage: Usage;
  costUsd: number | undefined;
  todos: TodoItem[];
  /** Set on the first turn: the conversation's one-line summary. */
  summary: string;
}

type Row = Record<string, unknown>;

/**
 * The database holds tool output: it and its -wal/-shm are the user's alone (0600), in a 0700
 * directory. The file is created before SQLite opens it because SQLite would create it 0644, and
 * SQLite gives the -wal and -shm files the database file's mode.
 */
function preparePrivateFile(path: string): void {
  Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    let mode: number;
    try {
      const stat = Deno.statSync(file);
      if (stat.isDirectory) throw new Error(`${file} is a directory`);
      mode = stat.mode ?? 0;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      // Append mode: creates the file if it is missing, and never truncates one another process just made.
      if (file === path) Deno.writeFileSync(file, new Uint8Array(), { mode: 0o600, append: true });
      continue;
    }
    // Files written by earlier versions were 0644: tighten them.
    if (Deno.build.os !== "windows" && (mode & 0o077) !== 0) Deno.chmodSync(file, mode & 0o700);
  }
}

/**
 * Switches to WAL. The switch needs an exclusive lock that SQLite does not wait for (the busy
 * timeout does not apply), so two processes opening a new database at once would fail with
 * "database is locked": retry for as long as the busy timeout would have waited.
 */
function enableWal(db: DatabaseSync, timeoutMs = 5000): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (error) {
      const busy = error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
      if (!busy || Date.now() >= deadline) throw error;
      // open() is synchronous; a short blocking wait keeps it so.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

function summaryOf(row: Row): ConversationSummary {
  return {
    id: String(row.id),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    provider: String(row.provider),
    model: String(row.model),
    summary: String(row.summary),
    turns: Number(row.turns),
    usage: {
      input: Number(row.input_tokens),
      output: Number(row.output_tokens),
      cacheRead: Number(row.cache_read_tokens),
      cacheWrite: Number(row.cache_write_tokens),
    },
    costUsd: row.cost_usd === null || row.cost_usd === undefined ? undefined : Number(row.cost_usd),
  };
}

/** The conversation store. */
export class ConversationStore {
  readonly #db: DatabaseSync;
  readonly #path: string;

  private constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.#path = path;
  }

  /** Opens (creating if needed) the database at path and brings its schema up to date. */
  static open(path: string, now: () => Date = () => new Date()): ConversationStore {
    let db: DatabaseSync | undefined;
    try {
      preparePrivateFile(path);
      db = new DatabaseSync(path);
      db.exec("PRAGMA busy_timeout = 5000");
      enableWal(db);
      db.exec("PRAGMA foreign_keys = ON");
      const store = new ConversationStore(db, path);
      store.#migrate(now);
      store.#check();
      return store;
    } catch (error) {
      try {
        db?.close();
      } catch {
        // closing a database that failed to open
      }
      throw storageError(path, "open the conversation store", error);
    }
  }

  /**
   * Reads every page of the conversation tables once, so that a truncated or damaged file is found
   * now, before an LLM request is paid for, not when the turn is saved.
   */
  #check(): void {
    const row = this.#db.prepare("PRAGMA quick_check(1)").get() as Row | undefined;
    const verdict = String(Object.values(row ?? {})[0] ?? "");
    if (verdict !== "ok") throw new Error(`database disk image is malformed (${verdict})`);
  }

  #migrate(now: () => Date): void {
    this.#db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    for (const migration of MIGRATIONS) {
      this.#transaction(() => {
        // Checked inside the write lock, so two processes starting at once apply it only once.
        const done = this.#db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(
          migration.version,
        );
        if (done) return;
        this.#db.exec(migration.sql);
        this.#db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
          .run(migration.version, now().toISOString());
      });
    }
  }

  #transaction<T>(fn: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** The schema version in force. */
  schemaVersion(): number {
    const row = this.#db.prepare("SELECT MAX(version) AS version FROM schema_migrations").get() as
      | Row
      | undefined;
    return Number(row?.version ?? 0);
  }

  /** Appends one turn and updates the totals, atomically. */
  saveTurn(turn: TurnRecord, now: Date = new Date()): void {
    try {
      this.#saveTurn(turn, now);
    } catch (error) {
      throw storageError(this.#path, "save the conversation to", error);
    }
  }

  #saveTurn(turn: TurnRecord, now: Date): void {
    const at = now.toISOString();
    this.#transaction(() => {
      this.#db.prepare(
        `INSERT INTO conversations (id, created_at, updated_at, provider, model, summary)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ).run(turn.conversationId, at, at, turn.provider, turn.model, turn.summary);
      const next = this.#db.prepare(
        "SELECT COALESCE(MAX(seq), 0) AS seq FROM messages WHERE conversation_id = ?",
      )
        .get(turn.conversationId) as Row;
      let seq = Number(next.seq);
      const insert = this.#db.prepare(
        "INSERT INTO messages (conversation_id, seq, role, content, created_at) VALUES (?, ?, ?, ?, ?)",
      );
      for (const message of turn.messages) {
        insert.run(turn.conversationId, ++seq, message.role, JSON.stringify(message.content), at);
      }
      this.#db.prepare(
        `UPDATE conversations SET updated_at = ?, provider = ?, model = ?, turns = turns + 1,
           input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
           cache_read_tokens = cache_read_tokens + ?, cache_write_tokens = cache_write_tokens + ?,
           cost_usd = CASE WHEN ? IS NULL THEN cost_usd ELSE COALESCE(cost_usd, 0) + ? END,
           todos = ?
         WHERE id = ?`,
      ).run(
        at,
        turn.provider,
        turn.model,
        turn.usage.input,
        turn.usage.output,
        turn.usage.cacheRead,
        turn.usage.cacheWrite,
        turn.costUsd ?? null,
        turn.costUsd ?? null,
        JSON.stringify(turn.todos),
        turn.conversationId,
      );
    });
  }

  /**
   * Records a compaction of a conversation that has been saved (a compaction before its first turn
   * was saved has nothing to point at and is not recorded).
   */
  saveCompaction(
    conversationId: string,
    record: Omit<CompactionRecord, "createdAt">,
    now: Date = new Date(),
  ): void {
    this.#transaction(() => {
      const exists = this.#db.prepare("SELECT 1 FROM conversations WHERE id = ?").get(conversationId);
      if (!exists) return;
      const next = this.#db.prepare(
        "SELECT COALESCE(MAX(seq), 0) AS seq FROM compactions WHERE conversation_id = ?",
      ).get(conversationId) as Row;
      this.#db.prepare(
        `INSERT INTO compactions (conversation_id, seq, created_at, summary, kept_from, reason, model,
           tokens_before, tokens_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        conversationId,
        Number(next.seq) + 1,
        now.toISOString(),
        record.summary,
        record.keptFrom,
        record.reason,
        record.model,
        record.tokensBefore,
        record.tokensAfter,
      );
      this.#db.prepare("UPDATE conversations SET updated_at = ? WHERE id = ?").run(
        now.toISOString(),
        conversationId,
      );
    });
  }

  /** Conversations, newest first. */
  list(limit = 50): ConversationSummary[] {
    const rows = this.#db.prepare("SELECT * FROM conversations ORDER BY updated_at DESC, id DESC LIMIT ?")
      .all(limit) as Row[];
    return rows.map(summaryOf);
  }

  /** The newest conversation's id, for --follow. */
  latestId(): string | undefined {
    return this.list(1)[0]?.id;
  }

  /** One conversation with its messages, or undefined. */
  get(id: string): Conversation | undefined {
    const row = this.#db.prepare("SELECT * FROM conversations WHERE id = ?").get(id) as Row | undefined;
    if (!row) return undefined;
    const messages =
      (this.#db.prepare("SELECT role, content FROM messages WHERE conversation_id = ? ORDER BY seq")
        .all(id) as Row[]).map((message) => ({
          role: message.role === "assistant" ? "assistant" as const : "user" as const,
          content: JSON.parse(String(message.content)),
        }));
    const compactions = (this.#db.prepare(
      "SELECT * FROM compactions WHERE conversation_id = ? ORDER BY seq",
    ).all(id) as Row[]).map((item): CompactionRecord => ({
      summary: String(item.summary),
      keptFrom: Number(item.kept_from),
      reason: String(item.reason),
      model: String(item.model),
      tokensBefore: Number(item.tokens_before),
      tokensAfter: Number(item.tokens_after),
      createdAt: String(item.created_at),
    }));
    return { ...summaryOf(row), messages, todos: JSON.parse(String(row.todos)) as TodoItem[], compactions };
  }

  /** Deletes a conversation; false when there was none. */
  delete(id: string): boolean {
    return this.#transaction(() => {
      this.#db.prepare("DELETE FROM messages WHERE conversation_id = ?").run(id);
      this.#db.prepare("DELETE FROM compactions WHERE conversation_id = ?").run(id);
      const result = this.#db.prepare("DELETE FROM conversations WHERE id = ?").run(id);
      return Number(result.changes) > 0;
    });
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }
}
