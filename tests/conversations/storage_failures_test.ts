/**
 * A broken conversation store is one line naming the file and what to do, found before the LLM is
 * called (no tokens spent on a turn that cannot be saved), and nothing existing is changed. The store
 * and its directory are private: ~/.kodelet 0700, storage.db and its -wal/-shm 0600.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConversationStore } from "../../lib/conversations/mod.ts";
import { storageError } from "../../lib/conversations/storage_errors.ts";
import { startLlmServer } from "../support/llm_server.ts";
import { linesOf, runKodelet, tempDir } from "../support/run_kodelet.ts";

async function runAgainst(base: string, home: string) {
  const llm = await startLlmServer();
  try {
    llm.enqueue({ kind: "message", text: "answer" });
    const result = await runKodelet(["run", "hi"], {
      cwd: home,
      env: {
        HOME: home,
        KODELET_BASE_PATH: base,
        ANTHROPIC_API_KEY: "sk-ant-test-storage-0000",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      },
    });
    return { result, requests: llm.requests.length };
  } finally {
    await llm.close();
  }
}

function assertOneLine(stderr: string, pattern: RegExp) {
  const lines = linesOf(stderr);
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0] ?? "", pattern);
  assert.doesNotMatch(stderr, /internal error|^\s+at /m);
}

Deno.test("a storage.db that is not a database: one line, no LLM request, file untouched", async () => {
  await using home = await tempDir();
  const base = join(home.path, ".kodelet");
  await Deno.mkdir(base);
  const garbage = new TextEncoder().encode("this is not sqlite at all, just some bytes\n".repeat(200));
  await Deno.writeFile(join(base, "storage.db"), garbage);
  const { result, requests } = await runAgainst(base, home.path);
  assert.equal(result.code, 1);
  assertOneLine(result.stderr, /^kodelet: Cannot open the conversation store .*storage\.db: .*move it aside/);
  assert.equal(requests, 0);
  assert.deepEqual(await Deno.readFile(join(base, "storage.db")), garbage);
});

Deno.test("a truncated storage.db is found before the LLM is called", async () => {
  await using home = await tempDir();
  const base = join(home.path, ".kodelet");
  const path = join(base, "storage.db");
  const store = ConversationStore.open(path);
  for (let turn = 0; turn < 40; turn++) {
    store.saveTurn({
      conversationId: `c${turn}`,
      provider: "anthropic",
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "x".repeat(4000) }] }],
      usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      costUsd: undefined,
      todos: [],
      summary: "s",
    });
  }
  store.close();
  const size = (await Deno.stat(path)).size;
  await Deno.truncate(path, Math.floor(size / 2));
  const { result, requests } = await runAgainst(base, home.path);
  assert.equal(result.code, 1, result.stderr);
  assertOneLine(
    result.stderr,
    /^kodelet: Cannot open the conversation store .*storage\.db: .*(damaged|malformed)/,
  );
  assert.equal(requests, 0);
  assert.equal((await Deno.stat(path)).size, Math.floor(size / 2));
});

Deno.test("a directory where storage.db should be: one line, no LLM request", async () => {
  await using home = await tempDir();
  const base = join(home.path, ".kodelet");
  await Deno.mkdir(join(base, "storage.db"), { recursive: true });
  const { result, requests } = await runAgainst(base, home.path);
  assert.equal(result.code, 1);
  assertOneLine(result.stderr, /^kodelet: Cannot open the conversation store .*storage\.db: .*move .* aside/);
  assert.equal(requests, 0);
  const list = await runKodelet(["conversation", "list"], { env: { KODELET_BASE_PATH: base } });
  assert.equal(list.code, 1);
  assertOneLine(list.stderr, /^kodelet: Cannot open the conversation store/);
});

Deno.test({
  name: "a read-only kodelet directory: one line naming it, no LLM request",
  // root writes through any mode bits, so the failure cannot be produced as root.
  ignore: Deno.build.os === "windows" || Deno.uid() === 0,
  fn: async () => {
    await using home = await tempDir();
    const base = join(home.path, ".kodelet");
    await Deno.mkdir(base);
    await Deno.chmod(base, 0o500);
    try {
      const { result, requests } = await runAgainst(base, home.path);
      assert.equal(result.code, 1);
      assertOneLine(result.stderr, /^kodelet: Cannot open the conversation store .*cannot write there/);
      assert.equal(requests, 0);
    } finally {
      await Deno.chmod(base, 0o700);
    }
  },
});

Deno.test("storageError says what to do for a full disk and for permissions", () => {
  assert.match(
    storageError("/h/.kodelet/storage.db", "save the conversation to", new Error("database or disk is full"))
      .message,
    /^Cannot save the conversation to \/h\/\.kodelet\/storage\.db: database or disk is full; the disk is full/,
  );
  // Deno's own file system calls word it so (creating storage.db on a full disk).
  assert.match(
    storageError("/h/.kodelet/storage.db", "open", new Error("No space left on device (os error 28)"))
      .message,
    /: No space left on device \(os error 28\); the disk is full/,
  );
  assert.match(
    storageError("/h/.kodelet/storage.db", "open", new Error("attempt to write a readonly database")).message,
    /cannot write there: check the permissions of \/h\/\.kodelet/,
  );
});

Deno.test({
  name: "a new ~/.kodelet is 0700 and storage.db, -wal and -shm are 0600",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using home = await tempDir();
    const base = join(home.path, ".kodelet");
    const { result } = await runAgainst(base, home.path);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await Deno.stat(base)).mode! & 0o777, 0o700);
    // A second process has the WAL files open while this one checks them.
    const store = ConversationStore.open(join(base, "storage.db"));
    try {
      for (const name of ["storage.db", "storage.db-wal", "storage.db-shm"]) {
        assert.equal((await Deno.stat(join(base, name))).mode! & 0o777, 0o600, name);
      }
    } finally {
      store.close();
    }
  },
});

Deno.test({
  name: "a storage.db left 0644 by an earlier version is tightened to 0600",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using home = await tempDir();
    const path = join(home.path, "storage.db");
    ConversationStore.open(path).close();
    await Deno.chmod(path, 0o644);
    ConversationStore.open(path).close();
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  },
});
