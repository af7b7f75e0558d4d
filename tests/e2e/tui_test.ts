/**
 * `kodelet chat` in a real terminal (tmux) against the test LLM server: what the user types, edits,
 * recalls and pastes is checked in the request bodies the server received, and what the user sees
 * on the captured screen (spinner, markdown, tool lines, diffs, status line). Golden screens at
 * 80x24 and 120x40 (times and ids masked); UPDATE_GOLDEN=1 rewrites them.
 */
import assert from "node:assert/strict";
import { contextWindowOf } from "../../lib/llm/mod.ts";
import { costUsd } from "../../lib/llm/pricing.ts";
import { type LlmServer, type ScriptedReply, startLlmServer } from "../support/llm_server.ts";
import { inheritedEnv, kodeletCommand, tempDir } from "../support/run_kodelet.ts";
import { hasTmux, startTerminal, type Terminal } from "../support/tmux.ts";

const ignore = !hasTmux();
const GOLDEN_DIR = new URL("../testdata/golden/", import.meta.url);

interface Chat extends AsyncDisposable {
  term: Terminal;
  llm: LlmServer;
  dir: string;
  /** The text of the user messages the server received, request by request (the last message of each). */
  sent(): string[];
}

interface ChatOptions {
  replies?: ScriptedReply[];
  columns?: number;
  rows?: number;
  env?: Record<string, string>;
  args?: string[];
  /** Reuse a directory (and so its history) from an earlier chat. */
  dir?: string;
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = body.messages as { role: string; content: { type: string; text?: string }[] }[];
  const last = messages.at(-1);
  return (last?.content ?? []).map((block) => block.text ?? "").join("");
}

async function startChat(options: ChatOptions = {}): Promise<Chat> {
  const llm = await startLlmServer();
  llm.enqueue(...(options.replies ?? []));
  const temp = options.dir === undefined ? await tempDir("kodelet-tui-") : undefined;
  const dir = options.dir ?? temp?.path ?? "";
  const term = await startTerminal({
    command: kodeletCommand(["chat", ...(options.args ?? [])]),
    env: {
      ...inheritedEnv(),
      TERM: "xterm-256color",
      ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      KODELET_BASE_PATH: `${dir}/.kodelet`,
      ...options.env,
    },
    cwd: dir,
    columns: options.columns ?? 80,
    rows: options.rows ?? 24,
  });
  await term.waitFor(/tokens · /);
  return {
    term,
    llm,
    dir,
    sent: () => llm.requests.map((request) => lastUserText(request.body)),
    [Symbol.asyncDispose]: async () => {
      await term[Symbol.asyncDispose]();
      await llm.close();
      if (temp) await temp[Symbol.asyncDispose]();
    },
  };
}

/** Waits until the server has received `count` requests. */
async function requests(chat: Chat, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (chat.llm.requests.length < count) {
    if (Date.now() > deadline) {
      throw new Error(`only ${chat.llm.requests.length} requests arrived:\n${await chat.term.screen()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until `shown` is on the screen and the prompt is idle again (no spinner). */
function idle(term: Terminal, shown: RegExp): Promise<string> {
  return term.waitFor((screen) => shown.test(screen) && !/… \d+s/.test(screen));
}

Deno.test({
  name: "tui: the cursor moves and edits inside the prompt; the request has exactly the edited text",
  ignore,
  fn: async () => {
    await using chat = await startChat({ replies: [{ kind: "message", text: "ok" }] });
    const { term } = chat;
    await term.type("world hello wrld");
    await term.keys("Left", "Left", "Left");
    await term.type("o");
    await term.keys("Home");
    await term.type("say ");
    await term.keys("End");
    await term.type("!");
    // "say world hello world!": Ctrl-Left twice lands before "hello", Alt-b before "world", Ctrl-W
    // deletes "say ", Alt-f jumps after "world".
    await term.keys("C-Left", "C-Left", "M-b", "C-w");
    await term.keys("M-f");
    await term.type(" big");
    await term.keys("BSpace", "BSpace", "BSpace", "BSpace", "C-e", "BSpace", "C-a", "Delete");
    await term.type("W");
    await term.waitFor(/› World hello world/);
    await term.keys("Enter");
    await requests(chat, 1);
    assert.deepEqual(chat.sent(), ["World hello world"]);
    await idle(term, /^ok$/m);
  },
});

Deno.test({
  name: "tui: a bracketed paste of 3 lines is one block in one request, and Enter inside it never submits",
  ignore,
  fn: async () => {
    await using chat = await startChat({ replies: [{ kind: "message", text: "pasted" }] });
    const { term } = chat;
    const snippet = "def f(x):\n    return x * 2\n\n    # end";
    await term.type("look: ");
    await term.paste(snippet);
    await term.waitFor(/4 lines · Enter sends/);
    assert.equal(chat.llm.requests.length, 0);
    await term.keys("Enter");
    await requests(chat, 1);
    assert.deepEqual(chat.sent(), [`look: ${snippet}`]);
    await idle(term, /^pasted$/m);
    assert.equal(chat.llm.requests.length, 1);
  },
});

Deno.test({
  name: "tui: Alt+Enter and a trailing backslash start a new line instead of sending",
  ignore,
  fn: async () => {
    await using chat = await startChat({ replies: [{ kind: "message", text: "ok" }] });
    const { term } = chat;
    await term.type("first\\");
    await term.keys("Enter");
    await term.type("second");
    await term.keys("M-Enter");
    await term.type("third");
    await term.waitFor(/3 lines/);
    await term.keys("Enter");
    await requests(chat, 1);
    assert.deepEqual(chat.sent(), ["first\nsecond\nthird"]);
  },
});

Deno.test({
  name: "tui: up-arrow recalls earlier prompts, also from an earlier session in the same directory",
  ignore,
  fn: async () => {
    await using dir = await tempDir("kodelet-tui-history-");
    {
      await using chat = await startChat({
        dir: dir.path,
        replies: [{ kind: "message", text: "one" }, { kind: "message", text: "two" }],
      });
      await chat.term.type("first question");
      await chat.term.keys("Enter");
      await idle(chat.term, /^one$/m);
      await chat.term.type("second question");
      await chat.term.keys("Enter");
      await requests(chat, 2);
      await idle(chat.term, /^two$/m);
      await chat.term.keys("Up", "Up");
      await chat.term.waitFor(/› first question\s*│/);
      await chat.term.keys("Down");
      await chat.term.waitFor(/› second question\s*│/);
      await chat.term.keys("C-d");
      await chat.term.keys("C-c", "C-d");
      await chat.term.waitFor(/\[exited 0\]/);
    }
    await using chat = await startChat({ dir: dir.path, replies: [{ kind: "message", text: "again" }] });
    await chat.term.keys("Up");
    await chat.term.waitFor(/› second question\s*│/);
    await chat.term.type(" again");
    await chat.term.keys("Enter");
    await requests(chat, 1);
    assert.deepEqual(chat.sent(), ["second question again"]);
  },
});

Deno.test({
  name: "tui: a resumed conversation shows its earlier questions, answers and tool calls",
  ignore,
  fn: async () => {
    await using dir = await tempDir("kodelet-tui-resume-");
    let id = "";
    {
      await using chat = await startChat({
        dir: dir.path,
        args: ["--yolo"],
        replies: [
          { kind: "message", toolCalls: [{ id: "toolu_1", name: "bash", input: { command: "echo 42" } }] },
          { kind: "message", text: "The **answer** is 42." },
        ],
      });
      await chat.term.type("what is the answer?");
      await chat.term.keys("Enter");
      await idle(chat.term, /The answer is 42\./);
      await chat.term.keys("C-d");
      const screen = await chat.term.waitFor(/\[exited 0\]/);
      id = /--resume\s+(\d{8}-\d{6}-[0-9a-f]+)/.exec(screen.replace(/\n\s*/g, ""))?.[1] ?? "";
      assert.notEqual(id, "", screen);
    }
    await using chat = await startChat({
      dir: dir.path,
      args: ["--resume", id],
      replies: [{ kind: "message", text: "Still 42." }],
    });
    const shown = await chat.term.waitFor(/— resumed here —/);
    assert.match(shown, /› what is the answer\?\n✓ bash echo 42 · done\n\nThe answer is 42\.\n/);
    await chat.term.type("and now?");
    await chat.term.keys("Enter");
    await idle(chat.term, /^Still 42\.$/m);
    assert.deepEqual(chat.sent(), ["and now?"]);
    assert.equal((chat.llm.requests[0]?.body.messages as unknown[]).length, 5);
  },
});

Deno.test({
  name: "tui: Ctrl-C clears the prompt, a second Ctrl-C on an empty prompt exits; Ctrl-D exits too",
  ignore,
  fn: async () => {
    await using chat = await startChat({ replies: [{ kind: "message", text: "fine" }] });
    const { term } = chat;
    await term.type("half typed");
    await term.waitFor(/half typed/);
    await term.keys("C-c");
    await term.waitFor((screen) => !screen.includes("half typed"));
    assert.equal(await term.alive(), true);
    await term.type("real question");
    await term.keys("Enter");
    await requests(chat, 1);
    assert.deepEqual(chat.sent(), ["real question"]);
    await idle(term, /^fine$/m);
    await term.keys("C-c");
    await term.waitFor(/Ctrl-C again to exit/);
    await term.keys("C-c");
    const screen = await term.waitFor(/\[exited 0\]/);
    assert.match(screen, /kodelet chat --resume /);

    await using second = await startChat();
    await second.term.keys("C-d");
    await second.term.waitFor(/\[exited 0\]/);
  },
});

Deno.test({
  name: "tui: a slow answer shows the spinner with elapsed time; Esc cancels the turn and the chat goes on",
  ignore,
  fn: async () => {
    await using chat = await startChat({
      replies: [
        { kind: "message", text: "late", delayMs: 2500 },
        { kind: "message", text: "a long answer that streams slowly ".repeat(4), chunkDelayMs: 400 },
        { kind: "message", text: "after cancel" },
      ],
    });
    const { term } = chat;
    await term.type("slow one");
    await term.keys("Enter");
    await term.waitFor(/⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/);
    await term.waitFor(/thinking… [12]s · esc to cancel/);
    await term.waitFor(/late/);
    await idle(term, /^late$/m);
    await term.type("stream");
    await term.keys("Enter");
    await term.waitFor(/writing…/);
    await term.keys("Escape");
    await term.waitFor(/cancelled/);
    await idle(term, /cancelled/);
    await term.type("next");
    await term.keys("Enter");
    await term.waitFor(/after cancel/);
    assert.deepEqual(chat.sent(), ["slow one", "stream", "next"]);
  },
});

Deno.test({
  name:
    "tui: Enter during an answer keeps the typed text and says why; the note goes when the answer is done",
  ignore,
  fn: async () => {
    await using chat = await startChat({
      replies: [{ kind: "message", text: "late", delayMs: 2000 }, { kind: "message", text: "typed ahead" }],
    });
    const { term } = chat;
    await term.type("slow one");
    await term.keys("Enter");
    await term.waitFor(/thinking… \d+s/);
    await term.type("next question");
    await term.keys("Enter");
    await term.waitFor(/an answer is in progress: Esc cancels it/);
    const after = await idle(term, /^late$/m);
    assert.match(after, /› next question/);
    assert.doesNotMatch(after, /an answer is in progress/);
    await term.keys("Enter");
    await idle(term, /^typed ahead$/m);
    assert.deepEqual(chat.sent(), ["slow one", "next question"]);
  },
});

const MARKDOWN_ANSWER = [
  "## Summary",
  "",
  "The **main** file is `main.ts` and it *parses* flags.",
  "",
  "- first point",
  "- second point",
  "",
  "| Name | Size |",
  "|------|-----:|",
  "| main.ts | 120 |",
  "| deno.json | 40 |",
  "",
  "```ts",
  "const answer = 42;",
  "```",
].join("\n");

Deno.test({
  name: "tui: a markdown answer is rendered: no ## or ** or |---| on screen",
  ignore,
  fn: async () => {
    await using chat = await startChat({ replies: [{ kind: "message", text: MARKDOWN_ANSWER }] });
    const { term } = chat;
    await term.type("explain");
    await term.keys("Enter");
    const screen = await term.waitFor(/const answer = 42;/);
    assert.match(screen, /Summary/);
    assert.match(screen, /The main file is main\.ts and it parses flags\./);
    assert.match(screen, /• first point/);
    assert.match(screen, /│ main\.ts\s+│\s+120 │/);
    assert.doesNotMatch(screen, /##|\*\*|\|---|```/);
  },
});

Deno.test({
  name:
    "tui: tool calls are one line each, a failed command shows ✗ and its exit code, an edit shows its diff",
  ignore,
  fn: async () => {
    await using chat = await startChat({
      replies: [
        {
          kind: "message",
          toolCalls: [{ id: "toolu_1", name: "bash", input: { command: "echo hi; exit 3" } }],
        },
        {
          kind: "message",
          toolCalls: [{ id: "toolu_2", name: "file_read", input: { path: "app.py" } }],
        },
        {
          kind: "message",
          toolCalls: [{
            id: "toolu_3",
            name: "file_edit",
            input: { path: "app.py", old_string: "print('old')", new_string: "print('new')" },
          }],
        },
        { kind: "message", text: "Done." },
      ],
    });
    const { term, dir } = chat;
    await Deno.writeTextFile(`${dir}/app.py`, "import sys\nprint('old')\n");
    await term.type("fix it");
    await term.keys("Enter");
    // The approval prompt: bash asks (y once), the edit asks with its diff (a: always).
    await term.waitFor(/Allow bash: echo hi; exit 3/);
    await term.keys("y");
    const asked = await term.waitFor(/Allow file_edit/);
    assert.match(asked, /\+print\('new'\)/);
    assert.match(asked, /a always \(file_edit/);
    await term.keys("a");
    const screen = await term.waitFor(/Done\./);
    assert.match(screen, /✗ bash echo hi; exit 3 · exit 3/);
    assert.match(screen, /✓ file_read app\.py · \d+ lines?/);
    assert.match(screen, /✓ file_edit app\.py/);
    assert.match(screen, /-print\('old'\)/);
    assert.match(screen, /\+print\('new'\)/);
    assert.equal(await Deno.readTextFile(`${dir}/app.py`), "import sys\nprint('new')\n");
  },
});

Deno.test({
  name:
    "tui: a bash result keeps its indentation and column spacing, and a final newline is not counted as a line",
  ignore,
  fn: async () => {
    await using chat = await startChat({
      args: ["--yolo"],
      replies: [
        {
          kind: "message",
          toolCalls: [{
            id: "toolu_1",
            name: "bash",
            input: { command: "printf 'a   b\\n  indented\\n\\tx\\n'" },
          }],
        },
        {
          kind: "message",
          toolCalls: [{ id: "toolu_2", name: "bash", input: { command: "seq 1 10" } }],
        },
        { kind: "message", text: "Printed." },
      ],
    });
    const { term } = chat;
    await term.type("print");
    await term.keys("Enter");
    const screen = await idle(term, /Printed\./);
    assert.match(screen, /· 3 lines\n {2}a {3}b\n {4}indented\n {6}x\n/);
    assert.match(screen, /✓ bash seq 1 10 · 10 lines\n {2}1\n {2}2\n {2}3\n {2}… 7 more lines/);
  },
});

Deno.test({
  name: "tui: an approval of a big edit on an 80x24 terminal keeps the question and its keys on screen",
  ignore,
  fn: async () => {
    const old = Array.from({ length: 30 }, (_, index) => `line ${index + 20}`).join("\n");
    await using chat = await startChat({
      replies: [
        { kind: "message", toolCalls: [{ id: "toolu_1", name: "file_read", input: { path: "big.txt" } }] },
        {
          kind: "message",
          toolCalls: [{
            id: "toolu_2",
            name: "file_edit",
            input: { path: "big.txt", old_string: old, new_string: old.toUpperCase() },
          }],
        },
        { kind: "message", text: "Done." },
      ],
    });
    const { term, dir } = chat;
    const lines = Array.from({ length: 80 }, (_, index) => `line ${index + 1}`);
    await Deno.writeTextFile(`${dir}/big.txt`, lines.join("\n") + "\n");
    await term.type("shout lines 20 to 49");
    await term.keys("Enter");
    const asked = await term.waitFor(/y yes {2}n no {2}a always/);
    assert.match(asked, /Allow file_edit: big\.txt/);
    assert.match(asked, /-line 20\b/);
    assert.match(asked, /… \d+ more lines/);
    await term.keys("y");
    await idle(term, /^Done\.$/m);
    assert.match(await Deno.readTextFile(`${dir}/big.txt`), /\nLINE 49\nline 50\n/);
  },
});

Deno.test({
  name:
    "tui: / offers the slash commands (Tab completes, Enter runs the offered one); @ completes file names",
  ignore,
  fn: async () => {
    await using chat = await startChat({ replies: [{ kind: "message", text: "read it" }] });
    const { term, dir } = chat;
    await Deno.mkdir(`${dir}/src`);
    await Deno.writeTextFile(`${dir}/src/main_module.ts`, "export {};\n");
    await term.type("/");
    let screen = await term.waitFor(/\/compact|\/trace/);
    for (const name of ["/help", "/clear", "/model", "/cost", "/trace", "/exit"]) {
      assert.match(screen, new RegExp(name));
    }
    await term.type("co");
    await term.waitFor(/› \/cost\s+tokens and cost/);
    await term.keys("Enter");
    await term.waitFor(/this session: tokens in 0 out 0/);
    await term.type("/he");
    await term.keys("Tab");
    await term.waitFor(/› \/help \s*│/);
    await term.keys("Enter");
    const help = await term.waitFor(/^ {2}Ctrl-O {2,}show or fold the last thinking$/m);
    // At 80 columns no line of /help is wrapped: each command and key is whole on its line.
    assert.match(help, /^keys:\n {2}Enter {2,}send$/m);
    assert.match(help, /^ {2}\/trace {2,}the trace id, for kodelet trace show$/m);
    const shown = help.slice(help.lastIndexOf("commands:"), help.lastIndexOf("╭"));
    for (const line of shown.split("\n")) assert.ok([...line].length < 80, `wrapped: ${line}`);
    await term.type("look at @sr");
    await term.keys("Tab");
    await term.waitFor(/› look at @src\/\s*│/);
    await term.type("ma");
    await term.keys("Tab");
    await term.waitFor(/› look at @src\/main_module\.ts\s*│/);
    await term.type("please");
    await term.keys("Enter");
    await requests(chat, 1);
    assert.deepEqual(chat.sent(), ["look at @src/main_module.ts please"]);
    screen = await idle(term, /read it/);
    assert.match(screen, /read it/);
  },
});

Deno.test({
  name:
    "tui: a chat that cannot start gives one line and exit code 2: no API key before anything is drawn, a bad rule after",
  ignore,
  fn: async () => {
    await using dir = await tempDir("kodelet-tui-nokey-");
    const chat = kodeletCommand(["chat"]);
    const env = { ...inheritedEnv(), TERM: "xterm-256color", KODELET_BASE_PATH: `${dir.path}/.kodelet` };
    {
      await using term = await startTerminal({ command: chat, env, cwd: dir.path });
      const screen = await term.waitFor(/\[exited \d+\]/);
      assert.match(screen, /kodelet: Missing anthropic\.api_key/);
      assert.match(screen, /\[exited 2\]/);
      assert.doesNotMatch(screen, /╭|tokens · /, "nothing was drawn");
    }
    {
      // A bad rule is found when the session opens, behind the first frame: the screen is given back.
      await using term = await startTerminal({
        command: [...chat, "--allow", "bash(unclosed"],
        env: { ...env, ANTHROPIC_API_KEY: "sk-ant-test-000000000000" },
        cwd: dir.path,
      });
      const screen = await term.waitFor(/\[exited \d+\]/);
      assert.match(screen, /^kodelet: .*bash\(unclosed/m);
      assert.match(screen, /tokens · /, "the prompt was drawn before the session opened");
      assert.match(screen, /\[exited 2\]/);
    }
  },
});

Deno.test({
  name: "tui: n at the approval prompt refuses the call, the model is told, and the chat goes on",
  ignore,
  fn: async () => {
    await using chat = await startChat({
      replies: [
        {
          kind: "message",
          toolCalls: [{ id: "toolu_n", name: "bash", input: { command: "touch refused.txt" } }],
        },
        { kind: "message", text: "Understood, I left it." },
        { kind: "message", text: "Still here." },
      ],
    });
    const { term, dir } = chat;
    await term.type("make the file");
    await term.keys("Enter");
    await term.waitFor(/Allow bash: touch refused\.txt/);
    await term.keys("n");
    const screen = await idle(term, /Understood, I left it\./);
    // One line says it was declined; the reason addressed to the model is not shown (twice) to the user.
    assert.match(screen, /^✗ bash touch refused\.txt · declined$/m);
    assert.doesNotMatch(screen, /Do not retry/);
    await assert.rejects(Deno.stat(`${dir}/refused.txt`), Deno.errors.NotFound);
    // The model got the refusal as the call's (failed) result.
    const messages = chat.llm.requests[1]?.body.messages as { content: Record<string, unknown>[] }[];
    const result = messages.at(-1)?.content.find((block) => block.type === "tool_result");
    assert.equal(result?.tool_use_id, "toolu_n");
    assert.equal(result?.is_error, true);
    assert.match(String(result?.content), /The user declined this bash call/);
    // The chat goes on: the next question is sent and answered.
    await term.type("ok, anything else?");
    await term.keys("Enter");
    await idle(term, /Still here\./);
    assert.deepEqual(chat.sent().at(-1), "ok, anything else?");
  },
});

Deno.test({
  name:
    "tui: thinking is one dimmed line by default; Ctrl-O shows the last block in full and folds it again; the signed block goes back",
  ignore,
  fn: async () => {
    const thinking = "First I list the files.\nThen I read the biggest one.\nThen I answer briefly.";
    await using chat = await startChat({
      replies: [
        {
          kind: "message",
          thinking,
          signature: "sig-tui-thinking",
          toolCalls: [{ id: "toolu_1", name: "bash", input: { command: "echo listed" } }],
        },
        { kind: "message", text: "Two files." },
      ],
      args: ["--yolo"],
    });
    const { term } = chat;
    await term.type("what is here?");
    await term.keys("Enter");
    const screen = await idle(term, /Two files\./);
    assert.match(screen, /✻ thought · 3 lines · ctrl-o to expand/);
    assert.doesNotMatch(screen, /Then I read the biggest one/);
    // The default model thinks adaptively: the request asks for the summary it would otherwise omit.
    assert.deepEqual(chat.llm.requests[0]?.body.thinking, { type: "adaptive", display: "summarized" });
    const messages = chat.llm.requests[1]?.body.messages as { content: Record<string, unknown>[] }[];
    assert.deepEqual(messages[1]?.content[0], { type: "thinking", thinking, signature: "sig-tui-thinking" });

    await term.keys("C-o");
    const open = await term.waitFor(/Then I read the biggest one/);
    assert.match(
      open,
      /First I list the files\.\n.*Then I read the biggest one\.\n.*Then I answer briefly\./,
    );
    assert.match(open, /ctrl-o to collapse/);
    await term.keys("C-o");
    await term.waitFor((now) => !/Then I read the biggest one/.test(now) && /ctrl-o to expand/.test(now));
    // Thinking is drawn dimmed (SGR 2) when colour is on.
    // deno-lint-ignore no-control-regex -- the SGR codes are what is checked
    assert.match(await term.screenWithEscapes(), /\x1b\[(?:\d+;)*2(?:;\d+)*m(?:\x1b\[\d+m)*✻ thought/);
  },
});

Deno.test({
  name: "tui: the status line shows the model, context used, tokens and cost after a turn",
  ignore,
  fn: async () => {
    await using chat = await startChat({
      replies: [{ kind: "message", text: "hi", usage: { input: 18_000, output: 2_000 } }],
    });
    const { term } = chat;
    assert.match(await term.screen(), /claude-sonnet-5-5 · 0 tokens · \$0\.0000/);
    await term.type("hello");
    await term.keys("Enter");
    const screen = await idle(term, /context \d+%/);
    // 20,000 tokens of the model's window, at the pricing table's rates.
    const percent = Math.round((20_000 / contextWindowOf("claude-sonnet-5-5")) * 100);
    const cost = costUsd("claude-sonnet-5-5", { input: 18_000, output: 2_000, cacheRead: 0, cacheWrite: 0 });
    assert.ok(cost !== undefined);
    const expected = `claude-sonnet-5-5 · context ${percent}% · 20,000 tokens · $${cost.toFixed(4)}`;
    assert.ok(screen.includes(expected), `${expected}\n${screen}`);
  },
});

Deno.test({
  name:
    "tui: NO_COLOR leaves colour out, and a 60-column terminal keeps tables and the prompt inside the width",
  ignore,
  fn: async () => {
    await using chat = await startChat({
      columns: 60,
      rows: 30,
      env: { NO_COLOR: "1" },
      replies: [{
        kind: "message",
        text: "| Column | Meaning |\n|---|---|\n| a | " + "a long explanation that will not fit ".repeat(3) +
          "|\n",
      }],
    });
    const { term } = chat;
    await term.type("table please");
    await term.keys("Enter");
    const screen = await idle(term, /Column/);
    for (const line of screen.split("\n")) assert.ok([...line].length <= 60, `too wide: ${line}`);
    assert.match(screen, /│ Column │ Meaning\s+│/);
    const coloured = await term.screenWithEscapes();
    // deno-lint-ignore no-control-regex -- looking for the escape codes of colours
    assert.doesNotMatch(coloured, /\x1b\[(3[0-7]|9[0-7]|38;)/, "NO_COLOR output has a colour code");
    await term.resize(100, 30);
    await term.type("wide now");
    await term.waitFor((text) => text.split("\n").some((line) => /^╭─{98}╮$/.test(line)));
  },
});

/**
 * On a loaded machine Ink sometimes leaves one more blank line where a frame of the live area was
 * replaced by transcript lines; that is timing, not layout, so runs of blank lines compare as one.
 */
const oneBlankLine = (text: string) => text.replace(/\n{3,}/g, "\n\n");

async function golden(name: string, screen: string): Promise<void> {
  const url = new URL(name, GOLDEN_DIR);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(url, screen + "\n");
  assert.equal(
    oneBlankLine(screen + "\n"),
    oneBlankLine(await Deno.readTextFile(url)),
    `differs from tests/testdata/golden/${name}`,
  );
}

for (const [columns, rows] of [[80, 24], [120, 40]] as const) {
  Deno.test({
    name: `tui: golden screen of a session with an answer, a tool call and an edit at ${columns}x${rows}`,
    ignore,
    fn: async () => {
      await using chat = await startChat({
        columns,
        rows,
        replies: [
          { kind: "message", toolCalls: [{ id: "toolu_0", name: "file_read", input: { path: "hello.ts" } }] },
          {
            kind: "message",
            text: "Let me fix the greeting.",
            toolCalls: [{
              id: "toolu_1",
              name: "file_edit",
              input: {
                path: "hello.ts",
                old_string: 'console.log("helo");',
                new_string: 'console.log("hello");',
              },
            }],
          },
          { kind: "message", text: "## Done\n\nFixed the **typo** in `hello.ts`:\n\n- `helo` → `hello`\n" },
        ],
      });
      const { term, dir } = chat;
      await Deno.writeTextFile(`${dir}/hello.ts`, '// greet\nconsole.log("helo");\n');
      await term.type("fix the typo in hello.ts");
      await term.keys("Enter");
      await term.waitFor(/Allow file_edit/);
      await term.keys("y");
      await term.waitFor(/Fixed the typo/);
      const screen = (await idle(term, /Fixed the typo/)).replaceAll(dir, "<cwd>");
      await golden(`tui_${columns}x${rows}.txt`, screen);
    },
  });
}

Deno.test({
  name: "tui: run on a terminal prints its answer rendered; under a pipe the raw markdown stays",
  ignore,
  fn: async () => {
    const llm = await startLlmServer();
    await using dir = await tempDir("kodelet-tui-run-");
    try {
      llm.enqueue({ kind: "message", text: MARKDOWN_ANSWER }, { kind: "message", text: MARKDOWN_ANSWER });
      const env = {
        ...inheritedEnv(),
        TERM: "xterm-256color",
        ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        KODELET_BASE_PATH: `${dir.path}/.kodelet`,
      };
      const kodelet = kodeletCommand(["run"]);
      {
        await using term = await startTerminal({
          command: [...kodelet, "explain"],
          env,
          cwd: dir.path,
          rows: 40,
        });
        const screen = await term.waitFor(/\[exited 0\]/);
        assert.match(screen, /• first point/);
        assert.match(screen, /│ main\.ts\s+│\s+120 │/);
        assert.doesNotMatch(screen, /##|\*\*|\|---|```/);
      }
      {
        await using term = await startTerminal({
          command: ["sh", "-c", `${kodelet.map((word) => `'${word}'`).join(" ")} explain | cat`],
          env,
          cwd: dir.path,
          rows: 40,
        });
        const screen = await term.waitFor(/\[exited 0\]/);
        assert.match(screen, /^## Summary$/m);
        assert.match(screen, /\|------\|-----:\|/);
      }
    } finally {
      await llm.close();
    }
  },
});
