import assert from "node:assert/strict";
import { interactiveReason } from "../../lib/tools/_interactive.ts";
import { bashTool } from "../../lib/tools/bash.ts";
import { KODELET, PROCESS } from "../../lib/telemetry/attributes.ts";
import { errorOf, outputOf, tempDir, testContext } from "./_context.ts";

/** Whether a process is still running (a zombie waiting to be reaped counts as gone). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Waits (briefly) until none of the pids runs; returns the survivors. */
async function survivors(pids: number[], waitMs = 3000): Promise<number[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const alive: number[] = [];
    for (const pid of pids) if (await isAlive(pid)) alive.push(pid);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function readPids(file: string): Promise<number[]> {
  const text = await Deno.readTextFile(file);
  return text.split(/\s+/).filter((word) => word !== "").map(Number);
}

/** A tree: two background sleeps (one inside a subshell), the shell itself, and a foreground sleep. */
const TREE = "sleep 1000 & echo $! >> pids; (sleep 1000 & echo $! >> pids; wait) & echo $! >> pids; " +
  "echo $$ >> pids; sleep 1000";

Deno.test("bash runs the command in cwd with the given environment", async () => {
  await using tmp = await tempDir();
  const { ctx, recorded, captured } = testContext(tmp.dir, {
    env: { PATH: Deno.env.get("PATH") ?? "", GREETING: "hello" },
  });
  const result = await bashTool.execute({ command: 'pwd; echo "$GREETING"; echo oops >&2' }, ctx);
  const output = outputOf(result);
  assert.match(output, new RegExp(`^${tmp.dir}\n`));
  assert.match(output, /hello/);
  assert.match(output, /oops/);
  assert.equal(recorded[PROCESS.EXIT_CODE], 0);
  assert.equal(recorded[KODELET.BASH_TIMED_OUT], false);
  assert.equal(recorded[KODELET.BASH_TIMEOUT_MS], 120_000);
  assert.equal(captured.get(KODELET.BASH_COMMAND), 'pwd; echo "$GREETING"; echo oops >&2');
});

Deno.test("bash reports a non-zero exit code as a normal result and records it", async () => {
  await using tmp = await tempDir();
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(await bashTool.execute({ command: "echo failing; exit 3" }, ctx));
  assert.match(output, /failing\nExit code: 3$/);
  assert.equal(recorded[PROCESS.EXIT_CODE], 3);
  assert.equal(recorded[KODELET.OUTPUT_BYTES], 8);
});

Deno.test("bash says when a command printed nothing", async () => {
  await using tmp = await tempDir();
  const { ctx } = testContext(tmp.dir);
  assert.equal(outputOf(await bashTool.execute({ command: "true" }, ctx)), "(no output)");
});

Deno.test("bash kills the whole process tree on timeout", async () => {
  await using tmp = await tempDir();
  const { ctx, recorded } = testContext(tmp.dir);
  const started = performance.now();
  const error = errorOf(
    await bashTool.execute({ command: `echo started; ${TREE}`, timeout_seconds: 1 }, ctx),
  );
  assert.equal(error.kind, "timeout");
  assert.match(error.message, /timed out after 1 s/);
  assert.match(error.message, /started/);
  assert.ok(performance.now() - started < 5000);
  assert.equal(recorded[KODELET.BASH_TIMED_OUT], true);
  assert.equal(recorded[KODELET.BASH_TIMEOUT_MS], 1000);
  const pids = await readPids(`${tmp.dir}/pids`);
  assert.equal(pids.length, 4);
  assert.deepEqual(await survivors(pids), []);
});

Deno.test("bash kills the whole process tree when the signal aborts", async () => {
  await using tmp = await tempDir();
  const controller = new AbortController();
  const { ctx } = testContext(tmp.dir, { signal: controller.signal });
  const timer = setTimeout(() => controller.abort(), 500);
  const error = errorOf(await bashTool.execute({ command: TREE }, ctx));
  clearTimeout(timer);
  assert.equal(error.kind, "cancelled");
  const pids = await readPids(`${tmp.dir}/pids`);
  assert.equal(pids.length, 4);
  assert.deepEqual(await survivors(pids), []);
});

Deno.test("bash ends background jobs when the command exits, without waiting for them", async () => {
  await using tmp = await tempDir();
  const { ctx } = testContext(tmp.dir);
  const started = performance.now();
  const output = outputOf(await bashTool.execute({ command: "sleep 1000 & echo $! > pids; echo done" }, ctx));
  assert.equal(output, "done\n");
  assert.ok(performance.now() - started < 3000);
  assert.deepEqual(await survivors(await readPids(`${tmp.dir}/pids`)), []);
});

Deno.test("bash truncates huge output keeping head and tail and says how much was cut", async () => {
  await using tmp = await tempDir();
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(await bashTool.execute({ command: "seq 1 200000" }, ctx));
  const total = Array.from({ length: 200000 }, (_, i) => `${i + 1}\n`).join("").length;
  assert.equal(recorded[KODELET.OUTPUT_BYTES], total);
  assert.equal(recorded[KODELET.OUTPUT_TRUNCATED], true);
  assert.ok(output.startsWith("1\n2\n3\n"));
  assert.ok(output.endsWith("199999\n200000\n"));
  const cut = /\[\.\.\. (\d+) bytes of output cut from the middle \.\.\.\]/.exec(output);
  assert.ok(cut, "a notice says how much was cut");
  const shown = new TextEncoder().encode(
    output.replace(/\[\.\.\. \d+ bytes of output cut from the middle \.\.\.\]\n/, ""),
  )
    .length;
  assert.equal(shown + Number(cut[1]), total);
  assert.ok(new TextEncoder().encode(output).length < 64 * 1024);
});

Deno.test("bash refuses interactive and editor commands with a reason", async () => {
  await using tmp = await tempDir();
  const { ctx, captured } = testContext(tmp.dir);
  const error = errorOf(await bashTool.execute({ command: "vim notes.txt" }, ctx));
  assert.equal(error.kind, "interactive_command");
  assert.match(error.message, /file_edit/);
  assert.equal(captured.size, 0, "a refused command is not run and not captured");
});

Deno.test("bash's interactive check refuses editors, pagers, REPLs, logins and interactive git", () => {
  const refused = [
    "vim a.txt",
    "vi",
    "nano README.md",
    "emacs x",
    "cat log | less",
    "more file",
    "top",
    "htop",
    "ssh example.com",
    "ssh -i key.pem -p 22 user@example.com",
    "git rebase -i HEAD~3",
    "git -C repo rebase --interactive main",
    "git add -p",
    "git commit -a",
    "python",
    "python3 -i",
    "node",
    "cd src && sudo vim x",
    "FOO=1 nano x",
    "tmux attach",
    "crontab -e",
    "cat <<EOF | less\nbody\nEOF",
    "cat <<EOF\nbody\nEOF\nvim x",
  ];
  for (const command of refused) assert.ok(interactiveReason(command), `refuses ${command}`);
  const allowed = [
    "echo vim",
    "ls -la",
    "grep -r less .",
    "git commit -m 'fix: vim mode'",
    "git commit -am wip",
    "git rebase main",
    "python3 -c 'print(1)'",
    "python3 script.py",
    "python3 --version",
    "node -e 'console.log(1)'",
    "ssh example.com uptime",
    "top -b -n 1",
    "emacs --batch -l build.el",
    "echo 'vim; less'",
    "tmux new -d -s build make",
    "cat > notes.md <<'EOF'\nmore details here\nvim mode: on\nEOF\necho written",
    "cat <<-END >x\n\tless is more\n\tEND",
    "grep -c foo <<< 'less'",
  ];
  for (const command of allowed) assert.equal(interactiveReason(command), undefined, `allows ${command}`);
});

Deno.test("a long output is cut for the model but saved whole, and the result says where", async () => {
  await using tmp = await tempDir();
  const dir = `${tmp.dir}/tool-output`;
  const { ctx, recorded } = testContext(tmp.dir, { toolOutputDir: dir });
  // About 230 KB: far past the 48 KiB the model is shown, so the middle is cut.
  const output = outputOf(await bashTool.execute({ command: "seq 1 40000" }, ctx));
  assert.match(output, /bytes of output cut from the middle/);
  const notice = /The whole output \((\d+) bytes, (\d+) lines\) is saved at (\S+) — read on with file_read/
    .exec(output);
  assert.ok(notice, output.slice(-400));
  const [, bytes, lines, path] = notice;
  const expected = Array.from({ length: 40000 }, (_, i) => `${i + 1}\n`).join("");
  assert.equal(await Deno.readTextFile(path as string), expected);
  assert.equal(Number(bytes), expected.length);
  assert.equal(Number(lines), 40000);
  assert.equal((await Deno.stat(path as string)).mode! & 0o777, 0o600);
  assert.equal(recorded[KODELET.OUTPUT_SPILLED], true);
  assert.equal(recorded[KODELET.OUTPUT_TRUNCATED], true);
});

Deno.test("an output that fits is not saved, and without a tool-output directory a long one is only cut", async () => {
  await using tmp = await tempDir();
  const dir = `${tmp.dir}/tool-output`;
  const small = testContext(tmp.dir, { toolOutputDir: dir });
  assert.equal(outputOf(await bashTool.execute({ command: "seq 1 3" }, small.ctx)), "1\n2\n3\n");
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  assert.equal(small.recorded[KODELET.OUTPUT_SPILLED], undefined);

  const unsaved = testContext(tmp.dir);
  const output = outputOf(await bashTool.execute({ command: "seq 1 40000" }, unsaved.ctx));
  assert.match(output, /bytes of output cut from the middle/);
  assert.doesNotMatch(output, /is saved at/);
});

Deno.test("a tool-output directory that cannot be written leaves the cut output, not a failed call", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/not-a-dir`, "");
  const { ctx } = testContext(tmp.dir, { toolOutputDir: `${tmp.dir}/not-a-dir/tool-output` });
  const output = outputOf(await bashTool.execute({ command: "seq 1 40000; exit 0" }, ctx));
  assert.match(output, /bytes of output cut from the middle/);
  assert.doesNotMatch(output, /is saved at/);
});
