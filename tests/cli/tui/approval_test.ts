import assert from "node:assert/strict";
import { fittedDiff } from "../../../lib/cli/tui/approval.ts";

const diff = Array.from({ length: 30 }, (_, index) => `+line ${index + 1}`).join("\n");

Deno.test("approval diff: a diff that fits is shown whole", () => {
  assert.deepEqual(fittedDiff("+a\n-b", 5, 40), ["+a", "-b"]);
});

Deno.test("approval diff: a taller one keeps its first lines and says how many more, in the rows given", () => {
  const lines = fittedDiff(diff, 10, 40);
  assert.equal(lines.length, 10);
  assert.deepEqual(lines.slice(0, 9), diff.split("\n").slice(0, 9));
  assert.equal(lines[9], "… 21 more lines");
});

Deno.test("approval diff: a line wider than the box counts for the rows it wraps onto", () => {
  const wide = ["+" + "x".repeat(99), "+b", "+c", "+d"].join("\n");
  // 100 characters at 40 columns take 3 rows; with the note, 4 rows hold only that line.
  assert.deepEqual(fittedDiff(wide, 4, 40), ["+" + "x".repeat(99), "… 3 more lines"]);
});
