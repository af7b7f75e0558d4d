/**
 * `kodelet chat --plain` under a pipe, and Ctrl-C (SIGINT) during a streaming answer, for `chat`
 * (cancels the turn, the session goes on) and `run` (exit 130, open spans end as errors, saved
 * conversations stay whole).
 */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { DENO_JSON, inheritedEnv, KODELET_PERMISSIONS, MAIN_TS, tempDir } from "../support/run_kodelet.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function spawnKodelet(args: string[], env: Record<string, string>, cwd: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...KODELET_PERMISSIONS, "--config", DENO_JSON, MAIN_TS, ...args],
    // A clean environment, but HOME stays (Deno's module cache lives under it); KODELET_BASE_PATH
    // isolates kodelet's own files.
    clearEnv: true,
    env: { ...inheritedEnv(), NO_COLOR: "1", ...env },
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Resolves when the child's stream has shown `pattern`, collecting everything read. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: { text: string },
  pattern: RegExp,
) {
  while (!pattern.test(seen.text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${pattern}: ${seen.text}`);
    seen.text += decoder.decode(value);
  }
}

Deno.test("chat --plain answers piped lines, handles /model and /cost, and ends at /exit", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  try {
    llm.enqueue({ kind: "message", text: "Hi there." }, { kind: "message", text: "Second." });
    const child = spawnKodelet(["chat", "--plain"], {
      ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      KODELET_BASE_PATH: `${home.path}/.kodelet`,
    }, home.path);
    const writer = child.stdin.getWriter();
    await writer.write(
      encoder.encode("hello\n/cost\n/model claude-opus-5\nagain\n/clear\n/cost\n/exit\nnever sent\n"),
    );
    await writer.close();
    const output = await child.output();
    const stderr = decoder.decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(decoder.decode(output.stdout), "Hi there.\nSecond.\n");
    assert.match(stderr, /this session: tokens in 10 out 5/);
    // /cost covers the whole chat, conversations closed by /clear included.
    assert.match(stderr, /new conversation\n> this session: tokens in 20 out 10 cached 0 · \$\d+\.\d{4}\n/);
    assert.match(stderr, /model: claude-opus-5/);
    assert.deepEqual(llm.requests.map((request) => request.body.model), [
      "claude-sonnet-5-5",
      "claude-opus-5",
    ]);
    // The second request continued the same conversation.
    assert.equal((llm.requests[1]?.body.messages as unknown[]).length, 3);
  } finally {
    await llm.close();
  }
});

Deno.test("Ctrl-C in chat cancels the turn and the session goes on", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  try {
    llm.enqueue(
      { kind: "message", text: "a very slow answer that will be interrupted", chunkDelayMs: 200 },
      { kind: "message", text: "after the interrupt" },
    );
    const child = spawnKodelet(["chat", "--plain"], {
      ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      KODELET_BASE_PATH: `${home.path}/.kodelet`,
    }, home.path);
    const writer = child.stdin.getWriter();
    const stdout = child.stdout.getReader();
    const seen = { text: "" };
    await writer.write(encoder.encode("first\n"));
    await readUntil(stdout, seen, /a very/);
    child.kill("SIGINT");
    await writer.write(encoder.encode("second\n"));
    await readUntil(stdout, seen, /after the interrupt/);
    await writer.write(encoder.encode("/exit\n"));
    await writer.close();
    stdout.releaseLock();
    const output = await child.output();
    assert.equal(output.code, 0);
    assert.match(decoder.decode(output.stderr), /cancelled/);
    // The interrupted question stays in the conversation: it goes to the model with the next one.
    const sent = JSON.stringify(llm.requests[1]?.body.messages);
    assert.ok(sent.includes("first") && sent.includes("second"), sent);
  } finally {
    await llm.close();
  }
});

Deno.test("Ctrl-C during run exits 130, ends open spans as errors and saves no half turn", async () => {
  const llm = await startLlmServer();
  const receiver = await startOtlpReceiver();
  await using home = await tempDir();
  try {
    llm.enqueue({ kind: "message", text: "streaming slowly, never finished", chunkDelayMs: 200 });
    const child = spawnKodelet(["run", "slow", "task"], {
      ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      KODELET_BASE_PATH: `${home.path}/.kodelet`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    }, home.path);
    await child.stdin.close();
    const stdout = child.stdout.getReader();
    const seen = { text: "" };
    await readUntil(stdout, seen, /streaming/);
    child.kill("SIGINT");
    stdout.releaseLock();
    const output = await child.output();
    assert.equal(output.code, 130, decoder.decode(output.stderr));
    const spans = await receiver.waitForSpans(3);
    for (const name of ["cmd.run", "invoke_agent kodelet", "chat claude-sonnet-5-5"]) {
      const span = spans.find((candidate) => candidate.name === name);
      assert.ok(span, `${name} was exported`);
      assert.equal(span.status.code, 2, `${name} ends as an error`);
    }
    // Nothing of the interrupted turn was saved, and the store is readable.
    const list = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...KODELET_PERMISSIONS, "--config", DENO_JSON, MAIN_TS, "conversation", "list", "--json"],
      clearEnv: true,
      env: { ...inheritedEnv(), KODELET_BASE_PATH: `${home.path}/.kodelet` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(list.code, 0, decoder.decode(list.stderr));
    assert.deepEqual(JSON.parse(decoder.decode(list.stdout)), []);
  } finally {
    await llm.close();
    await receiver.close();
  }
});
