import assert from "node:assert/strict";
import * as editor from "../../../lib/cli/tui/editor.ts";
import { keyAction, keyActions } from "../../../lib/cli/tui/keys.ts";

const at = (text: string, cursor: number): editor.EditorState => ({ text, cursor });

Deno.test("editor inserts at the cursor and moves by characters, keeping surrogate pairs whole", () => {
  let state = editor.insert(editor.EMPTY, "ab");
  state = editor.left(state);
  state = editor.insert(state, "X");
  assert.deepEqual(state, at("aXb", 2));
  const emoji = editor.withText("a😀");
  assert.deepEqual(editor.left(emoji), at("a😀", 1));
  assert.deepEqual(editor.backspace(emoji), at("a", 1));
  assert.deepEqual(editor.right(at("😀b", 0)), at("😀b", 2));
  assert.deepEqual(editor.deleteForward(at("😀b", 0)), at("b", 0));
  assert.deepEqual(editor.left(at("ab", 0)), at("ab", 0));
  assert.deepEqual(editor.right(at("ab", 2)), at("ab", 2));
});

Deno.test("editor word jumps skip punctuation and stop at word edges", () => {
  const text = "git commit -m 'fix: the bug'";
  assert.equal(editor.wordLeft(at(text, text.length)).cursor, text.indexOf("bug"));
  assert.equal(editor.wordLeft(at(text, text.indexOf("commit"))).cursor, 0);
  assert.equal(editor.wordRight(at(text, 0)).cursor, 3);
  assert.equal(editor.wordRight(at(text, 3)).cursor, "git commit".length);
  assert.deepEqual(editor.deleteWordBack(at("say hello", 9)), at("say ", 4));
});

Deno.test("editor Home/End and Ctrl-U/Ctrl-K work on the current line of a multi-line prompt", () => {
  const text = "first line\nsecond line";
  const cursor = text.indexOf("line", 11);
  assert.equal(editor.home(at(text, cursor)).cursor, 11);
  assert.equal(editor.end(at(text, 2)).cursor, 10);
  assert.deepEqual(editor.deleteToLineStart(at(text, cursor)), at("first line\nline", 11));
  assert.deepEqual(editor.deleteToLineEnd(at(text, 5)), at("first\nsecond line", 5));
});

Deno.test("editor up/down move between lines and hand over to history at the edges", () => {
  const text = "abc\nde\nfghij";
  assert.equal(editor.up(at(text, 2)), undefined);
  assert.deepEqual(editor.up(at(text, text.length)), at(text, 6)); // column 5 clamps to the end of "de"
  assert.deepEqual(editor.down(at(text, 1)), at(text, 5));
  assert.equal(editor.down(at(text, text.length)), undefined);
});

Deno.test("editor Enter submits, except after a trailing backslash, which becomes a new line", () => {
  assert.deepEqual(editor.enter(at("hello", 5)), { submit: "hello" });
  assert.deepEqual(editor.enter(at("one \\", 5)), { state: at("one \n", 5) });
  // A backslash in the middle of the text is just a backslash.
  assert.deepEqual(editor.enter(at("a\\b", 2)), { submit: "a\\b" });
  assert.equal(editor.normalisePaste("a\r\nb\rc\n"), "a\nb\nc\n");
});

Deno.test("keys map arrows, word jumps, Emacs bindings, Ctrl-C/D and Esc to actions", () => {
  assert.deepEqual(keyAction("", { leftArrow: true }), { type: "left" });
  assert.deepEqual(keyAction("", { leftArrow: true, ctrl: true }), { type: "wordLeft" });
  assert.deepEqual(keyAction("f", { meta: true }), { type: "wordRight" });
  assert.deepEqual(keyAction("a", { ctrl: true }), { type: "home" });
  assert.deepEqual(keyAction("", { end: true }), { type: "end" });
  assert.deepEqual(keyAction("c", { ctrl: true }), { type: "interrupt" });
  assert.deepEqual(keyAction("d", { ctrl: true }), { type: "eof" });
  assert.deepEqual(keyAction("", { escape: true }), { type: "escape" });
  assert.deepEqual(keyAction("\r", { return: true, meta: true }), { type: "newline" });
  assert.deepEqual(keyAction("\r", { return: true }), { type: "enter" });
  assert.deepEqual(keyAction("", { backspace: true, meta: true }), { type: "deleteWordBack" });
  // Escape sequences never reach the prompt as text.
  assert.deepEqual(keyAction("\x1b", {}), { type: "ignore" });
  assert.deepEqual(keyAction("a\x07b", {}), { type: "insert", text: "ab" });
});

Deno.test("keys: typed text that arrives together with its Enter is text, then a submit", () => {
  assert.deepEqual(keyActions("explain\r", {}), [{ type: "insert", text: "explain" }, { type: "enter" }]);
  assert.deepEqual(keyActions("a\rb", {}), [{ type: "insert", text: "a" }, { type: "enter" }, {
    type: "insert",
    text: "b",
  }]);
  assert.deepEqual(keyActions("x", {}), [{ type: "insert", text: "x" }]);
  // Typed before the UI took the terminal out of line mode: Enter arrived as a line feed.
  assert.deepEqual(keyActions("/exit\n", {}), [{ type: "insert", text: "/exit" }, { type: "enter" }]);
  assert.deepEqual(keyActions("look @sr\t", {}), [{ type: "insert", text: "look @sr" }, {
    type: "complete",
  }]);
  assert.deepEqual(keyActions("\n", {}), [{ type: "insert", text: "\n" }]); // Ctrl-J: a new line
});
