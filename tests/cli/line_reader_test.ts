/**
 * The line chat's reader: lines, and the approval question's key press read through the same reader,
 * so text typed ahead is kept for the next prompt (once) and never taken as the answer.
 */
import assert from "node:assert/strict";
import { LineReader } from "../../lib/cli/line_reader.ts";

/** A stdin whose chunks the test pushes one at a time, and which counts the reads asked of it. */
function terminal() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    pull: () => void pulls++,
  }, { highWaterMark: 0 });
  return {
    stream,
    type: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
    pulls: () => pulls,
  };
}

const never = new AbortController().signal;

Deno.test("line reader: a key press is one character; a line typed ahead is kept for the next prompt", async () => {
  const term = terminal();
  const reader = new LineReader(term.stream);
  const key = reader.keyPress(never);
  term.type("never mind\n");
  term.type("y");
  assert.equal(await key, "y");
  assert.equal(await reader.next(), "never mind");
  term.type("second\n");
  assert.equal(await reader.next(), "second");
  term.end();
  assert.equal(await reader.next(), null);
});

Deno.test("line reader: text that raw mode releases at once, or a paste, is typed text, with Enter as a line end", async () => {
  const term = terminal();
  const reader = new LineReader(term.stream);
  const key = reader.keyPress(never);
  term.type("half typ");
  term.type("ed\r");
  term.type("\x03");
  assert.equal(await key, "\x03");
  assert.equal(await reader.next(), "half typed");
  const arrow = reader.keyPress(never);
  term.type("\x1b[A");
  assert.equal(await arrow, "\x1b[A");
  const multibyte = reader.keyPress(never);
  term.type("é");
  assert.equal(await multibyte, "é");
});

Deno.test("line reader: an aborted question leaves its read to the next prompt, so nothing typed is lost", async () => {
  const term = terminal();
  const reader = new LineReader(term.stream);
  const question = new AbortController();
  const key = reader.keyPress(question.signal);
  await new Promise((resolve) => setTimeout(resolve, 10));
  question.abort();
  assert.equal(await key, null);
  term.type("after\n");
  assert.equal(await reader.next(), "after");
  const aborted = new AbortController();
  aborted.abort();
  assert.equal(await reader.keyPress(aborted.signal), null);
});

Deno.test("line reader: after a key press nothing is left reading (a read begun in raw mode would swallow Ctrl-D)", async () => {
  const term = terminal();
  const reader = new LineReader(term.stream);
  const key = reader.keyPress(never);
  term.type("y");
  assert.equal(await key, "y");
  const pulls = term.pulls();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(term.pulls(), pulls, "no read asked for after the key");
  const line = reader.next();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(term.pulls(), pulls + 1, "the prompt asks for the next read");
  term.end();
  assert.equal(await line, null);
});
