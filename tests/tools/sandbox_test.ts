/**
 * The bash tool under the real bubblewrap (permissions.sandbox): writes land only in the working
 * directory and the temp directory, the network is off unless allowed, timeouts and aborts still end
 * everything, and a sandbox that cannot run refuses the command instead of running it unsandboxed.
 * Needs `bwrap` (apt-get install bubblewrap); skipped, saying so, where it is missing or cannot run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bashTool } from "../../lib/tools/bash.ts";
import { BashSandbox, bwrapArgs, type SandboxSettings } from "../../lib/tools/sandbox.ts";
import { KODELET, PROCESS } from "../../lib/telemetry/attributes.ts";
import { bwrapUnusable, pathWithOnlyBash } from "../support/bwrap.ts";
import { DENO_JSON } from "../support/run_kodelet.ts";
import { hasTmux, startTerminal } from "../support/tmux.ts";
import { errorOf, outputOf, tempDir, testContext } from "./_context.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

const missing = await bwrapUnusable();
if (missing) console.warn(`sandbox_test: the tests with the real bwrap are skipped: ${missing}`);
const withBwrap = { ignore: missing !== undefined };

/** A sandbox for a test, counting what it reports as unavailable. */
function sandboxFor(settings: Partial<SandboxSettings> & { tmpDir: string }) {
  const warnings: string[] = [];
  const sandbox = new BashSandbox(
    { enabled: true, network: false, ...settings },
    (reason) => void warnings.push(reason),
  );
  return { sandbox, warnings };
}

/** A directory under $HOME: outside the working directory and outside the temp directory. */
async function homeDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const home = Deno.env.get("HOME");
  if (!home) throw new Error("HOME is not set");
  const dir = await Deno.realPath(await Deno.makeTempDir({ dir: home, prefix: ".kodelet-sandbox-test-" }));
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/**
 * Host pids of processes whose command line holds `token` (pids inside the sandbox are not the
 * host's). Through grep, since Deno may not list /proc without --allow-all; zombies have no cmdline.
 */
async function processesWith(token: string): Promise<number[]> {
  const output = await new Deno.Command("bash", {
    // "9[1]2345" matches the token, not this grep's own command line, which holds the pattern.
    args: [
      "-c",
      'grep -lsa -- "$1" /proc/[0-9]*/cmdline || true',
      "scan",
      `${token[0]}[${token[1]}]${token.slice(2)}`,
    ],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(output.stdout).split("\n")
    .map((line) => /^\/proc\/(\d+)\/cmdline$/.exec(line)?.[1])
    .filter((pid): pid is string => pid !== undefined)
    .map(Number);
}

async function noneLeft(token: string, waitMs = 3000): Promise<number[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = await processesWith(token);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("sandbox arguments: root read-only, workdir and temp writable, network off unless allowed, no new session", () => {
  const args = bwrapArgs({ cwd: "/w", tmpDir: "/t", network: false });
  const text = args.join(" ");
  assert.match(text, /^--ro-bind \/ \/ --dev \/dev --proc \/proc /);
  assert.match(text, /--bind \/t \/t --bind \/w \/w/);
  assert.ok(args.includes("--unshare-net"));
  // --die-with-parent would SIGKILL the command as soon as bwrap died of the SIGTERM (see the trap test).
  assert.ok(!args.includes("--die-with-parent"));
  assert.ok(args.includes("--unshare-pid"));
  // --new-session would take the command out of the group that gets SIGTERM (see the trap test).
  assert.ok(!args.includes("--new-session"));
  assert.equal(args.at(-1), "--");
  assert.ok(!bwrapArgs({ cwd: "/w", tmpDir: "/t", network: true }).includes("--unshare-net"));
});

Deno.test("bash without the sandbox records kodelet.tool.sandbox none", async () => {
  await using tmp = await tempDir();
  const { sandbox } = sandboxFor({ enabled: false, tmpDir: tmp.dir });
  const { ctx, recorded } = testContext(tmp.dir, { sandbox });
  assert.equal(outputOf(await bashTool.execute({ command: "echo plain" }, ctx)), "plain\n");
  assert.equal(recorded[KODELET.TOOL_SANDBOX], "none");
});

Deno.test("sandboxed bash writes in the working directory and the temp directory", withBwrap, async () => {
  await using work = await tempDir();
  await using tmp = await tempDir();
  const { sandbox, warnings } = sandboxFor({ tmpDir: tmp.dir });
  const { ctx, recorded } = testContext(work.dir, {
    sandbox,
    env: { PATH, TMPDIR: tmp.dir, GREETING: "hello" },
  });
  const output = outputOf(
    await bashTool.execute({
      command:
        'pwd; echo "$GREETING"; echo in-work > marker; echo in-tmp > "$TMPDIR/marker"; env | cut -d= -f1 | sort | tr "\\n" " "',
    }, ctx),
  );
  assert.match(output, new RegExp(`^${work.dir}\nhello\n`));
  // Exactly the filtered environment it was given (plus what bash sets itself), nothing of the test's.
  assert.doesNotMatch(output, /\bHOME\b/);
  assert.match(output, /\bGREETING PATH\b/);
  assert.equal(await Deno.readTextFile(join(work.dir, "marker")), "in-work\n");
  assert.equal(await Deno.readTextFile(join(tmp.dir, "marker")), "in-tmp\n");
  assert.equal(recorded[KODELET.TOOL_SANDBOX], "bwrap");
  assert.equal(recorded[PROCESS.EXIT_CODE], 0);
  assert.deepEqual(warnings, []);
});

Deno.test(
  "sandboxed bash cannot write outside the working and temp directories, whatever the command does",
  withBwrap,
  async () => {
    await using work = await tempDir();
    await using tmp = await tempDir();
    await using outside = await homeDir();
    const { sandbox } = sandboxFor({ tmpDir: tmp.dir });
    const { ctx, recorded } = testContext(work.dir, { sandbox, env: { PATH, OUT: outside.dir } });
    // A redirection, a command inside eval and a script file: the static checks see none of these.
    await Deno.writeTextFile(join(work.dir, "script.sh"), 'touch "$OUT/from-script"\n');
    const output = outputOf(
      await bashTool.execute({
        command: 'echo x > "$OUT/redirected"; eval "touch \\"\\$OUT/evaluated\\""; bash script.sh; ' +
          'cp script.sh "$OUT/copied"; echo end',
      }, ctx),
    );
    assert.match(output, /Read-only file system/);
    assert.match(output, /end\n/);
    assert.equal(recorded[KODELET.TOOL_SANDBOX], "bwrap");
    for (const name of ["redirected", "evaluated", "from-script", "copied"]) {
      await assert.rejects(Deno.stat(join(outside.dir, name)), Deno.errors.NotFound, name);
    }
  },
);

Deno.test("sandboxed bash has no network unless it is allowed", withBwrap, async () => {
  await using work = await tempDir();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let accepted = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      accepted++;
      await conn.write(new TextEncoder().encode("hello from the host\n"));
      conn.close();
    }
  })();
  try {
    const connect = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -n 1 <&3`;

    const off = sandboxFor({ tmpDir: work.dir });
    const closed = testContext(work.dir, { sandbox: off.sandbox, env: { PATH } });
    const refused = outputOf(await bashTool.execute({ command: connect }, closed.ctx));
    assert.match(refused, /Connection refused|Network is unreachable/);
    assert.doesNotMatch(refused, /hello from the host/);
    assert.equal(accepted, 0);

    const on = sandboxFor({ tmpDir: work.dir, network: true });
    const open = testContext(work.dir, { sandbox: on.sandbox, env: { PATH } });
    assert.equal(outputOf(await bashTool.execute({ command: connect }, open.ctx)), "hello from the host\n");
    assert.equal(accepted, 1);
  } finally {
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test(
  "sandboxed bash: a timeout still gives SIGTERM first, then ends every process inside",
  withBwrap,
  async () => {
    await using work = await tempDir();
    const { sandbox } = sandboxFor({ tmpDir: work.dir });
    const { ctx, recorded } = testContext(work.dir, { sandbox, env: { PATH } });
    const token = `${900000 + Math.floor(Math.random() * 90000)}`;
    const error = errorOf(
      await bashTool.execute({
        command: `trap 'echo cleaned > cleanup; exit 0' TERM; sleep ${token} & ` +
          `(sleep ${token} & wait) & setsid sleep ${token} & echo started; wait`,
        timeout_seconds: 1,
      }, ctx),
    );
    assert.equal(error.kind, "timeout");
    assert.match(error.message, /started/);
    assert.equal(recorded[KODELET.BASH_TIMED_OUT], true);
    // The shell's own TERM trap ran: the command is in the process group that gets SIGTERM.
    assert.equal(await Deno.readTextFile(join(work.dir, "cleanup")), "cleaned\n");
    // Even the setsid escapee: it lives in the sandbox's pid namespace, which ends with bwrap.
    assert.deepEqual(await noneLeft(token), []);
  },
);

Deno.test("sandboxed bash: aborting (Ctrl-C) ends every process inside", withBwrap, async () => {
  await using work = await tempDir();
  const { sandbox } = sandboxFor({ tmpDir: work.dir });
  const controller = new AbortController();
  const { ctx } = testContext(work.dir, { sandbox, env: { PATH }, signal: controller.signal });
  const token = `${900000 + Math.floor(Math.random() * 90000)}`;
  let seen: number[] = [];
  const timer = setTimeout(async () => {
    seen = await processesWith(token);
    controller.abort();
  }, 700);
  const error = errorOf(
    await bashTool.execute({ command: `sleep ${token} & sleep ${token}` }, ctx),
  );
  clearTimeout(timer);
  assert.equal(error.kind, "cancelled");
  assert.ok(seen.length >= 2, `the scan saw the sleeps before the abort: ${seen}`);
  assert.deepEqual(await noneLeft(token), []);
});

Deno.test("sandbox on without bwrap on PATH: one warning, and every bash call is refused, not run unsandboxed", async () => {
  await using work = await tempDir();
  // A PATH with bash and nothing else: no bwrap.
  const bin = await pathWithOnlyBash(join(work.dir, "bin"));
  const { sandbox, warnings } = sandboxFor({ tmpDir: work.dir });
  const { ctx, recorded } = testContext(work.dir, { sandbox, env: { PATH: bin } });
  for (const _ of [1, 2]) {
    const error = errorOf(await bashTool.execute({ command: "echo ran > marker" }, ctx));
    assert.equal(error.kind, "sandbox_unavailable");
    assert.match(error.message, /permissions\.sandbox is on, but bwrap \(bubblewrap\) is not on PATH/);
    assert.match(error.message, /install bubblewrap/);
    assert.match(error.message, /--no-sandbox/);
    assert.equal(recorded[KODELET.TOOL_SANDBOX], "unavailable");
  }
  assert.deepEqual(warnings, ["bwrap (bubblewrap) is not on PATH"], "warned once");
  await assert.rejects(Deno.stat(join(work.dir, "marker")), Deno.errors.NotFound);
});

Deno.test("sandbox on where bwrap cannot create namespaces: refused with what bwrap said", async () => {
  await using work = await tempDir();
  const bin = await pathWithOnlyBash(join(work.dir, "bin"));
  // Stands in for a bwrap in a container without user namespaces.
  await Deno.writeTextFile(
    join(bin, "bwrap"),
    "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n",
    { mode: 0o755 },
  );
  const { sandbox, warnings } = sandboxFor({ tmpDir: work.dir });
  const { ctx } = testContext(work.dir, { sandbox, env: { PATH: bin } });
  const error = errorOf(await bashTool.execute({ command: "echo ran > marker" }, ctx));
  assert.equal(error.kind, "sandbox_unavailable");
  assert.match(
    error.message,
    /cannot create a sandbox here \(bwrap: No permissions to creating new namespace\)/,
  );
  assert.equal(warnings.length, 1);
  await assert.rejects(Deno.stat(join(work.dir, "marker")), Deno.errors.NotFound);
});

Deno.test("sandboxed bash run from a terminal has no controlling terminal to push keys into", {
  ignore: missing !== undefined || !hasTmux(),
}, async () => {
  // Why bwrap needs no --new-session here: the command is already in a session of its own, so it
  // cannot open the user's terminal (and TIOCSTI keys into the shell kodelet was started from).
  await using work = await tempDir();
  await using terminal = await startTerminal({
    command: [
      Deno.execPath(),
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "--config",
      DENO_JSON,
      new URL("./_sandbox_tty_probe.ts", import.meta.url).pathname,
      work.dir,
    ],
    env: { PATH, HOME: Deno.env.get("HOME") ?? work.dir, ...denoDir() },
    cwd: work.dir,
  });
  const screen = await terminal.waitFor(/\[exited \d+\]/, 60_000);
  assert.match(screen, /parent terminal: yes/);
  assert.match(screen, /sandbox-no-tty/);
  assert.doesNotMatch(screen, /sandbox-tty-opened/);
});

function denoDir(): Record<string, string> {
  const dir = Deno.env.get("DENO_DIR");
  return dir ? { DENO_DIR: dir } : {};
}
