/**
 * The storage schema as numbered migrations. A migration is never edited once released; a change
 * is a new entry. Each runs in its own transaction together with its version row.
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        turns INTEGER NOT NULL DEFAULT 0,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens INTEGER NOT NULL DEFAULT 0,
        cache_write_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL,
        todos TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX conversations_updated_at ON conversations (updated_at DESC);
      CREATE TABLE messages (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
    `,
  },
  {
    version: 2,
    // One row per compaction: the summary that stands for messages [0, kept_from) in later requests.
    // The messages themselves stay, so the full history can still be shown.
    sql: `
      CREATE TABLE compactions (
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        kept_from INTEGER NOT NULL,
        reason TEXT NOT NULL,
        model TEXT NOT NULL,
        tokens_before INTEGER NOT NULL,
        tokens_after INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
    `,
  },
];
