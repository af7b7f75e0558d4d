/**
 * SIGTERM and SIGHUP are handled like Ctrl-C: the command is cancelled, the bash tool's process group
 * is killed (no orphan writes its marker later), the open spans end as failed and are flushed, and
 * kodelet exits 143 / 129.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startLlmServer } from "../support/llm_server.ts";
import { startBlackHole, startOtlpReceiver } from "../support/otlp_receiver.ts";
import { DENO_JSON, KODELET_PERMISSIONS, MAIN_TS, tempDir } from "../support/run_kodelet.ts";

const decoder = new TextDecoder();

function spawnKodelet(args: string[], env: Record<string, string>, cwd: string) {
  const inherited: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) inherited[name] = value;
  }
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...KODELET_PERMISSIONS, "--config", DENO_JSON, MAIN_TS, ...args],
    clearEnv: true,
    env: { ...inherited, NO_COLOR: "1", ...env },
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await exists(path))) {
    if (Date.now() > deadline) throw new Error(`${path} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const [signal, expected] of [["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  Deno.test(`${signal} during a bash tool call kills its process group, fails the spans, exits ${expected}`, async () => {
    const llm = await startLlmServer();
    const receiver = await startOtlpReceiver();
    await using home = await tempDir();
    try {
      llm.enqueue({
        kind: "message",
        toolCalls: [{
          id: "toolu_sleep",
          name: "bash",
          input: { command: "(sleep 3; touch orphan_marker) & touch started; sleep 60" },
        }],
      });
      const child = spawnKodelet(["run", "--yolo", "wait"], {
        ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        KODELET_BASE_PATH: join(home.path, ".kodelet"),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      }, home.path);
      await child.stdin.close();
      await waitFor(join(home.path, "started"));
      child.kill(signal);
      const output = await child.output();
      assert.equal(output.code, expected, decoder.decode(output.stderr));
      const spans = await receiver.waitForSpans(3);
      for (const name of ["cmd.run", "invoke_agent kodelet", "execute_tool bash"]) {
        const span = spans.find((candidate) => candidate.name === name);
        assert.ok(span, `${name} was exported`);
        assert.equal(span.status.code, 2, `${name} ends as an error`);
      }
      // The background job would have written its marker 3 s after it started.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      assert.equal(
        await exists(join(home.path, "orphan_marker")),
        false,
        "the tool's process group survived",
      );
    } finally {
      await llm.close();
      await receiver.close();
    }
  });
}

Deno.test("SIGTERM ends chat --plain waiting for input with exit 143", async () => {
  await using home = await tempDir();
  const child = spawnKodelet(["chat", "--plain"], {
    ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
    ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
    KODELET_BASE_PATH: join(home.path, ".kodelet"),
  }, home.path);
  const stderr = child.stderr.getReader();
  let seen = "";
  while (!seen.includes("> ")) {
    const { value, done } = await stderr.read();
    if (done) break;
    seen += decoder.decode(value);
  }
  stderr.releaseLock();
  child.kill("SIGTERM");
  const output = await child.output();
  await child.stdin.close().catch(() => {});
  assert.equal(output.code, 143, seen + decoder.decode(output.stderr));
});

Deno.test("a second Ctrl-C while the collector hangs keeps the spans in the spool and says so", async () => {
  const llm = await startLlmServer();
  const hole = await startBlackHole();
  await using home = await tempDir();
  try {
    llm.enqueue({ kind: "message", text: "streaming slowly, never finished", chunkDelayMs: 200 });
    const child = spawnKodelet(["run", "slow"], {
      ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      KODELET_BASE_PATH: join(home.path, ".kodelet"),
      OTEL_EXPORTER_OTLP_ENDPOINT: hole.url,
      KODELET_TRACING_DELIVERY: "wait",
      KODELET_TRACING_SHUTDOWN_TIMEOUT: "4s",
    }, home.path);
    await child.stdin.close();
    const stderr = child.stderr.getReader();
    let seen = "";
    const stdout = child.stdout.getReader();
    await stdout.read(); // the answer started
    child.kill("SIGINT");
    while (!seen.includes("cancelled")) {
      const { value, done } = await stderr.read();
      if (done) break;
      seen += decoder.decode(value);
    }
    // The command is over and the flush is waiting on the black hole: the user insists.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGINT");
    stderr.releaseLock();
    stdout.releaseLock();
    const output = await child.output();
    const all = seen + decoder.decode(output.stderr);
    assert.equal(output.code, 130, all);
    assert.match(all, /could not be delivered .*kept in the spool/, all);
    const spool = join(home.path, ".kodelet", "traces", "spool");
    const batches = [...Deno.readDirSync(spool)].filter((entry) => entry.name.endsWith(".json"));
    assert.ok(batches.length >= 1, "the spans were spooled");
  } finally {
    await llm.close();
    await hole.close();
  }
});
