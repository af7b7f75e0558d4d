import assert from "node:assert/strict";
import { PromptHistory } from "../../../lib/cli/tui/history.ts";

Deno.test("history navigates older and newer entries and gives the draft back at the end", () => {
  const history = PromptHistory.inMemory(["one", "two"]);
  assert.equal(history.previous("dra"), "two");
  assert.equal(history.previous("two"), "one");
  assert.equal(history.previous("one"), undefined);
  assert.equal(history.next(), "two");
  assert.equal(history.next(), "dra");
  assert.equal(history.next(), undefined);
});

Deno.test("history is kept per working directory across sessions, skips repeats, and is capped", async () => {
  const base = await Deno.makeTempDir();
  try {
    const first = await PromptHistory.load(base, "/work/a", 3);
    for (const text of ["1", "2", "2", "3", "  ", "4"]) await first.add(text);
    assert.deepEqual(first.entries, ["2", "3", "4"]);
    const again = await PromptHistory.load(base, "/work/a", 3);
    assert.deepEqual(again.entries, ["2", "3", "4"]);
    const other = await PromptHistory.load(base, "/work/b", 3);
    assert.deepEqual(other.entries, []);
    // Multi-line prompts survive the file as one entry.
    await other.add("line 1\nline 2");
    assert.deepEqual((await PromptHistory.load(base, "/work/b")).entries, ["line 1\nline 2"]);
    assert.equal([...Deno.readDirSync(`${base}/history`)].length, 2);
    // Passing the cap rewrote the file with the newest entries only.
    assert.equal(await Deno.readTextFile(first.file ?? ""), '"2"\n"3"\n"4"\n');
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("history tolerates a torn line and an unwritable directory", async () => {
  const base = await Deno.makeTempDir();
  try {
    const history = await PromptHistory.load(base, "/x");
    await history.add("kept");
    await Deno.writeTextFile(history.file ?? "", '"half', { append: true });
    assert.deepEqual((await PromptHistory.load(base, "/x")).entries, ["kept"]);
    const readOnly = await PromptHistory.load("/proc/kodelet-no-such-dir", "/x");
    await readOnly.add("still works in memory");
    assert.deepEqual(readOnly.entries, ["still works in memory"]);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
