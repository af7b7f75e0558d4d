/**
 * The approval question in `kodelet chat --plain` on a real terminal (tmux): y runs the command, a
 * runs it and remembers the exact rule, n and Ctrl-C refuse it; after each the turn ends and the chat
 * goes on to the next prompt. The key is read through the chat's own line reader, so a line typed
 * while the turn runs is neither taken as the answer nor lost nor doubled: it is the next prompt, once.
 * Skipped when tmux is not installed (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { type LlmServer, type ScriptedReply, startLlmServer } from "../support/llm_server.ts";
import { inheritedEnv, kodeletCommand, tempDir } from "../support/run_kodelet.ts";
import { hasTmux, startTerminal, type Terminal } from "../support/tmux.ts";

const ignore = !hasTmux();
const COMMAND = "touch marker && echo marker-made";
const QUESTION = /Allow\? \[y\]es \/ \[n\]o \/ \[a\]lways/g;

/** The text of each user message the server received (tool results have none). */
function typedPrompts(llm: LlmServer): string[] {
  return llm.requests.map((request) => {
    const messages = request.body.messages as { content: { type: string; text?: string }[] | string }[];
    const content = messages.at(-1)?.content ?? [];
    return typeof content === "string" ? content : content.map((block) => block.text ?? "").join("");
  }).filter((text) => text !== "");
}

/** What the model was told about its first tool call. */
function firstToolResult(llm: LlmServer): string {
  return JSON.stringify(llm.requests[1]?.body.messages);
}

async function chat(replies: ScriptedReply[]): Promise<
  { term: Terminal; llm: LlmServer; dir: string } & AsyncDisposable
> {
  const llm = await startLlmServer();
  llm.enqueue(...replies);
  const temp = await tempDir("kodelet-chat-approval-");
  const term = await startTerminal({
    command: kodeletCommand(["chat", "--plain"]),
    env: {
      ...inheritedEnv(),
      TERM: "xterm-256color",
      NO_COLOR: "1",
      KODELET_BASE_PATH: `${temp.path}/.kodelet`,
      ANTHROPIC_API_KEY: "sk-ant-test-chat-approval-000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    },
    cwd: temp.path,
    columns: 200,
    rows: 60,
  });
  await term.waitFor(/kodelet chat \(/, 60_000);
  return {
    term,
    llm,
    dir: temp.path,
    [Symbol.asyncDispose]: async () => {
      await term[Symbol.asyncDispose]();
      await llm.close();
      await temp[Symbol.asyncDispose]();
    },
  };
}

const count = (screen: string, pattern: RegExp) => screen.match(pattern)?.length ?? 0;
/** The prompt, waiting for a line, after the given text. */
const promptAfter = (text: string) => new RegExp(`${text}[\\s\\S]*\\n>$`);

for (
  const [name, key, runs, answered] of [
    ["y runs the command", "y", true, /\) yes\n/],
    [
      "a runs it and remembers the exact rule",
      "a",
      true,
      /always: added bash\(touch marker && echo marker-made\)/,
    ],
    ["n refuses it", "n", false, /\) no\n/],
    [
      "Ctrl-C at the question means no, and neither cancels the turn nor ends the chat",
      "C-c",
      false,
      /\) no\n/,
    ],
  ] as const
) {
  Deno.test({
    name:
      `chat --plain asks in a terminal: ${name}; the chat goes on, and a line typed meanwhile is the next prompt`,
    ignore,
    async fn() {
      await using c = await chat([
        { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: COMMAND } }] },
        // Slow, so the next line is typed while the turn still runs (nobody reads a line then).
        { kind: "message", text: "Finished one.", delayMs: 1500 },
        ...(key === "a"
          ? [
            {
              kind: "message",
              toolCalls: [{ id: "t2", name: "bash", input: { command: COMMAND } }],
            } as ScriptedReply,
          ]
          : []),
        { kind: "message", text: "Finished two." },
      ]);
      await c.term.type("make a marker");
      await c.term.keys("Enter");
      const asked = await c.term.waitFor(QUESTION, 30_000);
      assert.match(asked, /kodelet wants to use bash:\n {2}touch marker && echo marker-made/);
      await c.term.keys(key);
      await c.term.waitFor(answered);
      // Typed while the turn runs: read at the next prompt, once.
      await c.term.type("second prompt");
      await c.term.keys("Enter");
      await c.term.waitFor(/Finished two\./, 30_000);
      const screen = await c.term.waitFor(promptAfter("Finished two\\."));
      assert.equal(await c.term.alive(), true);
      assert.deepEqual(typedPrompts(c.llm), ["make a marker", "second prompt"]);
      assert.equal(await Deno.stat(`${c.dir}/marker`).then(() => true, () => false), runs);
      if (runs) assert.match(firstToolResult(c.llm), /marker-made/);
      else assert.match(firstToolResult(c.llm), /The user declined this bash call/);
      // "always" covered the same command in the next turn: asked once only.
      assert.equal(count(screen, QUESTION), 1, screen);
      if (key === "a") assert.match(JSON.stringify(c.llm.requests[3]?.body.messages), /marker-made/);
      await c.term.type("/exit");
      await c.term.keys("Enter");
      await c.term.waitFor(/\[exited 0\]/);
    },
  });
}

Deno.test({
  name: "chat --plain: a line typed before the question is not taken as its answer, and is the next prompt",
  ignore,
  async fn() {
    await using c = await chat([
      // Slow, so "never mind" (which starts with n) is typed before the question shows.
      {
        kind: "message",
        toolCalls: [{ id: "t1", name: "bash", input: { command: COMMAND } }],
        delayMs: 2000,
      },
      { kind: "message", text: "Finished one." },
      { kind: "message", text: "Finished two." },
    ]);
    await c.term.type("make a marker");
    await c.term.keys("Enter");
    await c.term.type("never mind");
    await c.term.keys("Enter");
    await c.term.waitFor(QUESTION, 30_000);
    // The question waits for a key of its own.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.doesNotMatch(await c.term.screen(), /\) (yes|no|always)/);
    await c.term.keys("y");
    await c.term.waitFor(/\) yes\n/);
    await c.term.waitFor(/Finished two\./, 30_000);
    assert.deepEqual(typedPrompts(c.llm), ["make a marker", "never mind"]);
    assert.equal(await Deno.stat(`${c.dir}/marker`).then(() => true, () => false), true);
    // Ctrl-D while the turn still ends: no read begun in raw mode is left to swallow it.
    await c.term.keys("C-d");
    await c.term.waitFor(/\[exited 0\]/);
  },
});
