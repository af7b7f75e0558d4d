import assert from "node:assert/strict";
import { applyCompletion, complete, type ListDirectory } from "../../../lib/cli/tui/completion.ts";
import { changeOf, diffLines } from "../../../lib/cli/tui/diff_view.ts";
import { loadHighlighter, renderMarkdown, stableCut } from "../../../lib/cli/tui/markdown.ts";
import { statusLine } from "../../../lib/cli/tui/status.ts";
import { createStyle, stripAnsi } from "../../../lib/cli/format.ts";
import { SLASH_COMMANDS } from "../../../lib/cli/slash_commands.ts";

const plain = createStyle(false);
const colour = createStyle(true);

Deno.test("markdown renders headings, emphasis, lists, quotes and links without their markup", () => {
  const out = renderMarkdown(
    "# Title\n\nSome **bold**, *em*, ~~gone~~ and [docs](https://x.dev).\n\n1. one\n2. two\n   - inner\n\n> quoted",
    { width: 80, style: plain },
  );
  assert.equal(
    out,
    "Title\n=====\n\nSome bold, em, gone and docs (https://x.dev).\n\n1. one\n2. two\n   • inner\n\n▎ quoted",
  );
});

Deno.test("markdown with colour uses SGR codes and the same text; code is highlighted once the grammars are in", async () => {
  const source = "## Part\n\n**bold** `code`\n\n```ts\nconst x = 1;\n```";
  const early = renderMarkdown(source, { width: 80, style: colour });
  assert.equal(early.includes("\x1b[35mconst"), false, "before the grammars load, code is plain");
  assert.equal(stripAnsi(early), "Part\n\nbold code\n\n╭ ts\n│ const x = 1;");
  await loadHighlighter();
  const out = renderMarkdown(source, { width: 80, style: colour });
  assert.ok(out.includes("\x1b[1m"), out);
  assert.ok(out.includes("\x1b[35mconst"), out); // the keyword is highlighted
  assert.equal(stripAnsi(out), "Part\n\nbold code\n\n╭ ts\n│ const x = 1;");
});

Deno.test("markdown tables fit the width, wrapping the widest column", () => {
  const source = "| Key | Meaning |\n|---|---|\n| a | " + "word ".repeat(30) + "|\n| bb | short |";
  const out = renderMarkdown(source, { width: 40, style: plain });
  for (const line of out.split("\n")) assert.ok([...line].length <= 40, line);
  assert.match(out, /^┌─────┬/);
  assert.match(out, /│ bb {2}│ short\s+│/);
  assert.doesNotMatch(out, /\|---/);
});

Deno.test("markdown wraps paragraphs and code at narrow widths", () => {
  const out = renderMarkdown("x ".repeat(50) + "\n\n```\n" + "y".repeat(70) + "\n```", {
    width: 30,
    style: plain,
  });
  for (const line of out.split("\n")) assert.ok([...line].length <= 30, line);
});

Deno.test("stableCut splits a streamed answer after complete blocks, never inside a code fence or list", () => {
  assert.equal(stableCut("para one\n\npara two\n"), "para one\n\n".length);
  // The line after the blank one must be whole: "1" may still become "1. item" of the same list.
  assert.equal(stableCut("para one\n\npara tw"), 0);
  assert.equal(stableCut("intro\n\n```\ncode\n\nmore\n"), "intro\n\n".length);
  assert.equal(stableCut("- a\n\n- b"), 0);
  assert.equal(stableCut("no blank line yet"), 0);
});

Deno.test("diff of an edit: coloured hunks, counts, and a cap with the number of lines left out", () => {
  const before = Array.from({ length: 60 }, (_, i) => `line ${i}`).join("\n") + "\n";
  const after = before.replace("line 3\n", "line three\n");
  const small = diffLines("a.txt", before, after, plain);
  assert.deepEqual([small.added, small.removed], [1, 1]);
  assert.deepEqual(small.lines, [
    "@@ -2,5 +2,5 @@",
    " line 1",
    " line 2",
    "-line 3",
    "+line three",
    " line 4",
    " line 5",
  ]);
  assert.ok(diffLines("a.txt", before, after, colour).lines.includes("\x1b[31m-line 3\x1b[39m"));
  const rewrite = diffLines("a.txt", before, "", plain, 10);
  assert.equal(rewrite.lines.length, 11);
  assert.equal(rewrite.lines.at(-1), "… 51 more lines");
});

Deno.test("changeOf tells the change of file_edit and file_write calls", () => {
  assert.deepEqual(changeOf("file_edit", { path: "a", old_string: "x", new_string: "y" }, "1 x 2"), {
    path: "a",
    before: "1 x 2",
    after: "1 y 2",
  });
  assert.deepEqual(changeOf("file_write", { path: "n", content: "new" }, undefined), {
    path: "n",
    before: "",
    after: "new",
  });
  assert.equal(changeOf("bash", { command: "ls" }, undefined), undefined);
});

const listing: ListDirectory = (path) =>
  path === "."
    ? [
      { name: "src", isDirectory: true },
      { name: "README.md", isDirectory: false },
      { name: ".git", isDirectory: true },
      { name: "scripts", isDirectory: true },
    ]
    : path === "src/"
    ? [{ name: "main.ts", isDirectory: false }]
    : [];

Deno.test("completion offers slash commands by prefix, with their summaries", () => {
  const found = complete({ text: "/c", cursor: 2 }, SLASH_COMMANDS, listing);
  assert.deepEqual(found?.items.map((item) => item.value), ["/clear", "/cost", "/compact"]);
  assert.equal(complete({ text: "/model x", cursor: 8 }, SLASH_COMMANDS, listing), undefined);
  assert.equal(complete({ text: "/zz", cursor: 3 }, SLASH_COMMANDS, listing), undefined);
});

Deno.test("completion of @paths lists the folder, directories first, hidden only when asked", () => {
  const state = { text: "see @s", cursor: 6 };
  const found = complete(state, SLASH_COMMANDS, listing);
  assert.deepEqual(found?.items.map((item) => item.value), ["@scripts/", "@src/"]);
  assert.equal(complete({ text: "see @.", cursor: 6 }, SLASH_COMMANDS, listing)?.items[0]?.value, "@.git/");
  const chosen = applyCompletion(state, found!, found!.items[1]!);
  assert.deepEqual(chosen, { text: "see @src/", cursor: 9 });
  const file = complete(chosen, SLASH_COMMANDS, listing);
  assert.deepEqual(applyCompletion(chosen, file!, file!.items[0]!), {
    text: "see @src/main.ts ",
    cursor: 17,
  });
  // An e-mail address is not a path.
  assert.equal(complete({ text: "me@s", cursor: 4 }, SLASH_COMMANDS, listing), undefined);
});

Deno.test("status line drops its least important parts on a narrow terminal", () => {
  const figures = {
    model: "claude-sonnet-5-5",
    context: { used: 50_000, window: 200_000 },
    sessionTokens: 123_456,
    costUsd: 0.5,
    traceId: "0af7651916cd43dd8448eb211c80319c",
  };
  assert.equal(
    statusLine(figures, 120),
    "claude-sonnet-5-5 · context 25% · 123k tokens · $0.5000 · trace 0af7651916cd43dd8448eb211c80319c",
  );
  assert.equal(statusLine(figures, 60), "claude-sonnet-5-5 · context 25% · 123k tokens · $0.5000");
  assert.equal(
    statusLine({ ...figures, context: undefined, sessionTokens: 0, costUsd: undefined }, 80),
    "claude-sonnet-5-5 · 0 tokens · $0.0000 · trace 0af7651916cd43dd8448eb211c80319c",
  );
});

Deno.test("markdown and diffs never pass the model's or a file's escape sequences to the terminal", () => {
  const hostile = "Done \x1b]52;c;ZXZpbA==\x07and \x1b[2Khidden\n\n```\nrm -rf x\x1b[1A\n```";
  const out = renderMarkdown(hostile, { width: 80, style: plain });
  assert.ok(!out.includes("\x1b"), JSON.stringify(out));
  assert.match(out, /Done and hidden/);
  const diff = diffLines("a", "x\n", "x\x1b]0;title\x07\n", plain);
  assert.ok(!diff.lines.join("\n").includes("\x1b"));
});
