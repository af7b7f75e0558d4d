/** The line-mode renderer shows retries as one status line on a terminal and nothing under a pipe. */
import assert from "node:assert/strict";
import { askAndShow, lineRenderer } from "../../lib/cli/agent_output.ts";
import type { CommandIO } from "../../lib/cli/command.ts";
import { retryLine } from "../../lib/cli/progress.ts";
import type { AgentSession } from "../../lib/agent/mod.ts";
import { LlmError } from "../../lib/llm/types.ts";

function fakeIO(stderrIsTerminal: boolean): CommandIO & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    stdin: new ReadableStream<Uint8Array>(),
    stdoutIsTerminal: stderrIsTerminal,
    stderrIsTerminal,
    color: false,
    columns: 80,
  };
  return io;
}

const RETRY = { attempt: 2, attempts: 5, delayMs: 2000, reason: "529 overloaded" };

Deno.test("retryLine reads as the issue asks", () => {
  assert.equal(retryLine(RETRY), "retrying in 2s (529 overloaded), attempt 2 of 5");
  assert.equal(retryLine({ ...RETRY, delayMs: 380 }), "retrying in 0.4s (529 overloaded), attempt 2 of 5");
});

Deno.test("on a terminal, retries rewrite one status line that the answer then wipes", () => {
  const io = fakeIO(true);
  const { events } = lineRenderer(io, (text) => text);
  events.onRetry?.(RETRY);
  events.onRetry?.({ ...RETRY, attempt: 3, delayMs: 4000 });
  events.onText?.("Hello");
  assert.equal(
    io.err,
    "\r\x1b[2Kretrying in 2s (529 overloaded), attempt 2 of 5" +
      "\r\x1b[2Kretrying in 4s (529 overloaded), attempt 3 of 5" +
      "\r\x1b[2K",
  );
  assert.ok(!io.err.includes("\n"), "a status line never becomes a log line");
  assert.equal(io.out, "Hello");
});

Deno.test("under a pipe, retries print nothing", () => {
  const io = fakeIO(false);
  const { events } = lineRenderer(io, (text) => text);
  events.onRetry?.(RETRY);
  events.onText?.("Hello\n");
  assert.equal(io.err, "");
  assert.equal(io.out, "Hello\n");
});

Deno.test("a stream cut mid-answer ends the answer's line before the error is shown", async () => {
  const io = fakeIO(false);
  const renderer = lineRenderer(io, (text) => text);
  const session = {
    ask: () => {
      renderer.events.onText?.("The answer is");
      return Promise.reject(new LlmError("stream_broken", "The Anthropic response stream broke off"));
    },
  } as unknown as AgentSession;
  await assert.rejects(
    askAndShow(session, renderer, io, "q", new AbortController().signal),
    /stream broke off/,
  );
  assert.equal(io.out, "The answer is\n");
});
