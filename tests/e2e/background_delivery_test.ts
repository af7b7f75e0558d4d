/**
 * tracing.delivery = background (the default): a traced command never waits on the network. What the
 * endpoint has not acknowledged when the command ends goes to the spool, and a detached
 * `kodelet tracing flush` sends it after the command is gone. These tests keep their own HOME, since
 * the sender reads the spool after kodelet has exited.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { refusedEndpoint, startBlackHole, startOtlpReceiver } from "../support/otlp_receiver.ts";
import { runKodelet, tempDir } from "../support/run_kodelet.ts";

function homeEnv(home: string, endpoint: string): Record<string, string> {
  return {
    HOME: home,
    KODELET_BASE_PATH: join(home, ".kodelet"),
    KODELET_TRACING_DELIVERY: "background",
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  };
}

async function spoolFiles(home: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(home, ".kodelet", "traces", "spool"))) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return await check();
}

Deno.test("background delivery: the span arrives after kodelet has exited, exactly once, and the spool empties", async () => {
  await using home = await tempDir();
  const receiver = await startOtlpReceiver();
  try {
    const result = await runKodelet(["version"], { env: homeEnv(home.path, receiver.url) });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "", "nothing to say: the spans are on their way");
    const [span] = await receiver.waitForSpans(1, 10_000);
    assert.equal(span?.name, "cmd.version");
    // The sender is done when its lock is gone; by then nothing may be left, or sent twice.
    assert.ok(await eventually(async () => !(await spoolFiles(home.path)).includes("sender.lock"), 10_000));
    assert.equal(receiver.spans.length, 1);
    assert.deepEqual((await spoolFiles(home.path)).filter((name) => name !== "last_send.json"), []);
    const last = JSON.parse(
      await Deno.readTextFile(join(home.path, ".kodelet", "traces", "spool", "last_send.json")),
    ) as { ok: boolean };
    assert.equal(last.ok, true);
  } finally {
    await receiver.close();
  }
});

Deno.test("background delivery: a black-holed collector does not hold the exit, and the span waits in the spool", async () => {
  await using home = await tempDir();
  const hole = await startBlackHole();
  try {
    // The wait mode would hold this exit for the full 20 s bound (and the exporter for its 20 s timeout).
    const result = await runKodelet(["version"], {
      env: {
        ...homeEnv(home.path, hole.url),
        KODELET_TRACING_SHUTDOWN_TIMEOUT: "20s",
        OTEL_EXPORTER_OTLP_TIMEOUT: "20000",
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.ok(result.durationMs < 10_000, `the exit waited ${result.durationMs.toFixed(0)} ms`);
    const batches = (await spoolFiles(home.path)).filter((name) => /-1-e[0-9a-f]{16}\.json$/.test(name));
    assert.equal(batches.length, 1, "the one span is kept for later");
  } finally {
    await hole.close();
  }
});

Deno.test("background delivery: when the last background send failed, the next command says so in one line", async () => {
  await using home = await tempDir();
  const endpoint = await refusedEndpoint();
  const env = homeEnv(home.path, endpoint);
  const first = await runKodelet(["version"], { env });
  assert.equal(first.code, 0);
  assert.equal(first.stderr, "");
  // The sender meets the refused connection and records it.
  assert.ok(
    await eventually(async () => (await spoolFiles(home.path)).includes("last_send.json"), 10_000),
    "the background sender ran",
  );
  assert.ok(await eventually(async () => !(await spoolFiles(home.path)).includes("sender.lock"), 10_000));
  const second = await runKodelet(["version"], { env });
  assert.equal(second.code, 0);
  const lines = second.stderr.split("\n").filter((line) => line !== "");
  assert.equal(lines.length, 1, second.stderr);
  assert.match(
    lines[0] ?? "",
    /^kodelet: spans wait in the spool: the last background send failed \(.*\/v1\/traces: /,
  );
});

Deno.test("tracing flush sends the spool now and says what it did", async () => {
  await using home = await tempDir();
  // Spool one span (the wait mode spools what it could not deliver, and starts no sender); the
  // endpoint is down (503) then, and up for the flush: a batch only goes where it was meant to.
  const receiver = await startOtlpReceiver({ fault: "503" });
  const spooled = await runKodelet(["version"], {
    env: { ...homeEnv(home.path, receiver.url), KODELET_TRACING_DELIVERY: "wait" },
  });
  assert.equal(spooled.code, 0);
  receiver.setFault("none");
  receiver.clear();
  try {
    const env = { ...homeEnv(home.path, receiver.url), OTEL_SDK_DISABLED: "true" };
    const flush = await runKodelet(["tracing", "flush"], { env });
    assert.equal(flush.code, 0, flush.stderr);
    assert.match(flush.stdout, /^Sent 1 spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces\.$/m);
    assert.equal(receiver.spans.length, 1);
    const again = await runKodelet(["tracing", "flush"], { env });
    assert.equal(again.stdout, "The spool is empty.\n");
  } finally {
    await receiver.close();
  }
});
