/**
 * The approval question in a real terminal (tmux): `kodelet run` asks before a command runs, and
 * y runs it, n and Ctrl-C refuse it (the run goes on), a remembers the exact rule for the session.
 * Skipped when tmux is not installed (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { type LlmServer, startLlmServer } from "../support/llm_server.ts";
import { kodeletCommand } from "../support/run_kodelet.ts";

const hasTmux = (() => {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

// A tmux server of this file's own: on the default socket, anyone's `tmux kill-server` on the machine
// (another test run, a person) took the session away mid-test and left an empty screen.
const SOCKET = `kodelet-prompt-${crypto.randomUUID().slice(0, 8)}`;

async function tmux(...args: string[]): Promise<string> {
  const output = await new Deno.Command("tmux", {
    args: ["-L", SOCKET, ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return new TextDecoder().decode(output.stdout);
}

async function waitForScreen(session: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = await tmux("capture-pane", "-p", "-t", session, "-S", "-200");
    if (pattern.test(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`screen never showed ${pattern}:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An LLM server, a working folder and a tmux session name, all gone after the test. */
async function promptFixture(): Promise<
  { llm: LlmServer; root: string; session: string } & AsyncDisposable
> {
  const llm = await startLlmServer();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-prompt-" }));
  const session = `kodelet-test-${crypto.randomUUID().slice(0, 8)}`;
  return {
    llm,
    root,
    session,
    async [Symbol.asyncDispose]() {
      await tmux("kill-session", "-t", session);
      await llm.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Starts `kodelet run --no-save ...args` in a clean environment in a new tmux session (200x50), in
 * `root`; the pane stays open after it ends and shows `exit=<code>`.
 */
async function startRun(session: string, baseUrl: string, root: string, args: string[]): Promise<void> {
  const command = [
    "env",
    "-i",
    `PATH=${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    `HOME=${Deno.env.get("HOME") ?? root}`,
    ...(Deno.env.get("DENO_DIR") ? [`DENO_DIR=${Deno.env.get("DENO_DIR")}`] : []),
    "NO_COLOR=1",
    `KODELET_BASE_PATH=${root}/base`,
    "ANTHROPIC_API_KEY=sk-ant-test-prompt-00000",
    `ANTHROPIC_BASE_URL=${baseUrl}`,
    ...kodeletCommand(["run", "--no-save", ...args]),
  ].map(quote).join(" ");
  await tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "200",
    "-y",
    "50",
    "-c",
    root,
    `${command}; echo "exit=$?"; sleep 30`,
  );
}

for (
  const [name, keys, marker, told] of [
    ["y runs the command", ["y"], true, /marker-made/],
    ["a runs it and adds the exact rule, so the same command is not asked again", ["a"], true, /marker-made/],
    ["n refuses it and the run goes on", ["n"], false, /The user declined this bash call/],
    [
      "Ctrl-C at the question means no, and the run goes on",
      ["C-c"],
      false,
      /The user declined this bash call/,
    ],
  ] as const
) {
  Deno.test({
    name: `approval prompt in a terminal: ${name}`,
    ignore: !hasTmux,
    async fn() {
      await using fixture = await promptFixture();
      const { llm, root, session } = fixture;
      llm.enqueue(
        {
          kind: "message",
          toolCalls: [{ id: "t1", name: "bash", input: { command: "touch marker && echo marker-made" } }],
        },
        {
          kind: "message",
          toolCalls: [{ id: "t2", name: "bash", input: { command: "touch marker && echo marker-made" } }],
        },
        { kind: "message", text: "Finished." },
      );
      await startRun(session, llm.anthropicBaseUrl, root, ["make a marker"]);
      await waitForScreen(session, /Allow\? \[y\]es \/ \[n\]o \/ \[a\]lways/);
      const screen = await waitForScreen(session, /touch marker && echo marker-made/);
      assert.match(screen, /adds bash\(touch marker && echo marker-made\)/);
      await tmux("send-keys", "-t", session, ...keys);
      if (keys[0] !== "a") {
        // The second call asks again; answer it the same way.
        await waitForScreen(session, /(Allow\? \[y\]es[\s\S]*){2}/);
        await tmux("send-keys", "-t", session, ...keys);
      }
      await waitForScreen(session, /exit=0/);
      const exists = await Deno.stat(`${root}/marker`).then(() => true, () => false);
      assert.equal(exists, marker);
      const results = JSON.stringify(llm.requests[1]?.body.messages);
      assert.match(results, told);
      // The second, identical call: asked again unless "always" added its rule.
      const final = await tmux("capture-pane", "-p", "-t", session, "-S", "-200");
      const asked = final.match(/Allow\? \[y\]es/g)?.length ?? 0;
      if (keys[0] === "a") {
        assert.equal(asked, 1, final);
        assert.match(final, /always: added bash\(touch marker && echo marker-made\)/);
      }
    },
  });
}

Deno.test({
  name:
    "approval prompt in a terminal: a concurrent call's result waits for the answer, never on the question's line",
  ignore: !hasTmux,
  async fn() {
    await using fixture = await promptFixture();
    const { llm, root, session } = fixture;
    // One response, two calls: the first is allowed by a rule and ends while the second is asked.
    llm.enqueue(
      {
        kind: "message",
        toolCalls: [
          { id: "t1", name: "bash", input: { command: "echo first-done" } },
          { id: "t2", name: "bash", input: { command: "touch second && echo second-done" } },
        ],
      },
      { kind: "message", text: "Finished." },
    );
    await startRun(session, llm.anthropicBaseUrl, root, [
      "--allow",
      "bash(echo first-done)",
      "two things",
    ]);
    await waitForScreen(session, /Allow\? \[y\]es/);
    // The first call has long finished by now; its line must not be on screen yet.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const asking = await tmux("capture-pane", "-p", "-t", session, "-S", "-200");
    assert.doesNotMatch(asking, /✓/, asking);
    await tmux("send-keys", "-t", session, "y");
    const final = await waitForScreen(session, /exit=0/);
    const lines = final.split("\n");
    const question = lines.find((line) => line.includes("Allow? [y]es")) ?? "";
    assert.match(question, /\(adds bash\(touch second && echo second-done\)\) yes\s*$/, final);
    assert.equal(lines.filter((line) => /^\s*✓ bash: 1 line\s*$/.test(line)).length, 2, final);
    assert.ok(await Deno.stat(`${root}/second`).then(() => true, () => false));
  },
});
