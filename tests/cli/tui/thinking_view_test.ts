import assert from "node:assert/strict";
import { keyAction } from "../../../lib/cli/tui/keys.ts";
import { createStyle, stripAnsi } from "../../../lib/cli/format.ts";
import { thinkingLine, thinkingLines, thinkingPanel } from "../../../lib/cli/tui/thinking_view.ts";

const plain = createStyle(false);

Deno.test("Ctrl-O folds and unfolds thinking; it is no editing key", () => {
  assert.deepEqual(keyAction("o", { ctrl: true }), { type: "toggleThinking" });
  assert.deepEqual(keyAction("o", {}), { type: "insert", text: "o" });
});

Deno.test("thinkingLine: folded to one line with its count and the key that unfolds it", () => {
  assert.equal(thinkingLine(1, true, false, plain), "✻ thinking… · 1 line · ctrl-o to expand");
  assert.equal(thinkingLine(12, false, true, plain), "✻ thought · 12 lines · ctrl-o to collapse");
  const coloured = thinkingLine(3, false, false, createStyle(true));
  assert.ok(coloured.startsWith("\x1b[3m\x1b[2m✻ thought"), "dimmed and italic");
  assert.equal(stripAnsi(coloured), "✻ thought · 3 lines · ctrl-o to expand");
});

Deno.test("thinkingPanel: wrapped to the width, cut to the last rows that fit, dimmed", () => {
  const text = Array.from({ length: 10 }, (_, index) => `line ${index + 1}`).join("\n") + "\n";
  assert.equal(thinkingLines(text), 10);
  assert.equal(thinkingPanel(text, 40, 20, plain), text.trimEnd());
  assert.equal(thinkingPanel(text, 40, 4, plain), "… 7 lines above\nline 8\nline 9\nline 10");
  assert.equal(thinkingPanel("a".repeat(25), 10, 10, plain), "aaaaaaaaaa\naaaaaaaaaa\naaaaa");
  assert.ok(thinkingPanel("deep", 40, 5, createStyle(true)).includes("\x1b[2mdeep"));
});
