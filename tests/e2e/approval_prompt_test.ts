/**
 * The approval question in a real terminal (tmux): `kodelet run` asks before a command runs, and
 * y runs it, n and Ctrl-C refuse it (the run goes on), a remembers the exact rule for the session.
 * Skipped when tmux is not installed (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { DENO_JSON, KODELET_PERMISSIONS, MAIN_TS } from "../support/run_kodelet.ts";

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

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
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
      const llm = await startLlmServer();
      const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-prompt-" }));
      const session = `kodelet-test-${crypto.randomUUID().slice(0, 8)}`;
      try {
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
        const command = [
          "env",
          "-i",
          `PATH=${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
          `HOME=${Deno.env.get("HOME") ?? root}`,
          ...(Deno.env.get("DENO_DIR") ? [`DENO_DIR=${Deno.env.get("DENO_DIR")}`] : []),
          "NO_COLOR=1",
          `KODELET_BASE_PATH=${root}/base`,
          "ANTHROPIC_API_KEY=sk-ant-test-prompt-00000",
          `ANTHROPIC_BASE_URL=${llm.anthropicBaseUrl}`,
          Deno.execPath(),
          "run",
          ...KODELET_PERMISSIONS,
          "--config",
          DENO_JSON,
          MAIN_TS,
          "run",
          "--no-save",
          "make a marker",
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
      } finally {
        await tmux("kill-session", "-t", session);
        await llm.close();
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}
