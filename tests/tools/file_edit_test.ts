import assert from "node:assert/strict";
import { KODELET } from "../../lib/telemetry/attributes.ts";
import { fileEditTool } from "../../lib/tools/file_edit.ts";
import { fileReadTool } from "../../lib/tools/file_read.ts";
import type { ToolContext } from "../../lib/tools/tool.ts";
import { errorOf, outputOf, tempDir, testContext } from "./_context.ts";

async function readFirst(ctx: ToolContext, path: string): Promise<void> {
  outputOf(await fileReadTool.execute({ path }, ctx));
}

Deno.test("file_edit replaces a unique string, keeps the mode and records figures and the new state", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/main.ts`;
  await Deno.writeTextFile(path, "const a = 1;\nconst b = 2;\nconst c = 3;\n");
  await Deno.chmod(path, 0o750);
  const { ctx, recorded } = testContext(tmp.dir);
  await readFirst(ctx, "main.ts");
  const output = outputOf(
    await fileEditTool.execute({ path: "main.ts", old_string: "b = 2", new_string: "b = 20" }, ctx),
  );
  assert.match(output, /^Edited main\.ts \(1 replacement\)/);
  assert.match(output, /2\tconst b = 20;/);
  assert.equal(await Deno.readTextFile(path), "const a = 1;\nconst b = 20;\nconst c = 3;\n");
  assert.equal((await Deno.stat(path)).mode! & 0o7777, 0o750);
  assert.equal(recorded[KODELET.BYTES_BEFORE], 39);
  assert.equal(recorded[KODELET.BYTES_AFTER], 40);
  assert.equal(recorded[KODELET.REPLACEMENTS], 1);
  // The new state was recorded, so a second edit needs no fresh read.
  outputOf(await fileEditTool.execute({ path: "main.ts", old_string: "c = 3", new_string: "c = 30" }, ctx));
  assert.equal(await Deno.readTextFile(path), "const a = 1;\nconst b = 20;\nconst c = 30;\n");
});

Deno.test("file_edit refuses a file that was never read", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/x.txt`, "hello");
  const { ctx } = testContext(tmp.dir);
  const error = errorOf(
    await fileEditTool.execute({ path: "x.txt", old_string: "hello", new_string: "bye" }, ctx),
  );
  assert.equal(error.kind, "not_read");
  assert.match(error.message, /file_read/);
  assert.equal(await Deno.readTextFile(`${tmp.dir}/x.txt`), "hello");
});

Deno.test("file_edit refuses a file that changed since it was read", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/x.txt`;
  await Deno.writeTextFile(path, "hello world");
  const { ctx } = testContext(tmp.dir);
  await readFirst(ctx, "x.txt");
  // Same size, new mtime: only the time gives the change away.
  await Deno.writeTextFile(path, "HELLO world");
  await Deno.utime(path, new Date(), new Date(Date.now() + 5000));
  const error = errorOf(
    await fileEditTool.execute({ path: "x.txt", old_string: "world", new_string: "there" }, ctx),
  );
  assert.equal(error.kind, "file_changed");
  assert.match(error.message, /Read it again/);
  assert.equal(await Deno.readTextFile(path), "HELLO world");
  // After a fresh read the edit goes through.
  await readFirst(ctx, "x.txt");
  outputOf(await fileEditTool.execute({ path: "x.txt", old_string: "world", new_string: "there" }, ctx));
  assert.equal(await Deno.readTextFile(path), "HELLO there");
});

Deno.test("file_edit refuses a file whose size changed since it was read", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/x.txt`;
  await Deno.writeTextFile(path, "hello");
  const { ctx } = testContext(tmp.dir);
  await readFirst(ctx, path);
  const before = await Deno.stat(path);
  await Deno.writeTextFile(path, "hello, longer");
  await Deno.utime(path, before.atime!, before.mtime!);
  const error = errorOf(await fileEditTool.execute({ path, old_string: "hello", new_string: "bye" }, ctx));
  assert.equal(error.kind, "file_changed");
});

Deno.test("file_edit refuses an ambiguous match unless replace_all is set", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/x.txt`;
  await Deno.writeTextFile(path, "foo bar foo baz foo");
  const { ctx, recorded } = testContext(tmp.dir);
  await readFirst(ctx, "x.txt");
  const error = errorOf(
    await fileEditTool.execute({ path: "x.txt", old_string: "foo", new_string: "qux" }, ctx),
  );
  assert.equal(error.kind, "ambiguous_match");
  assert.match(error.message, /occurs 3 times/);
  assert.match(error.message, /replace_all/);
  const output = outputOf(
    await fileEditTool.execute(
      { path: "x.txt", old_string: "foo", new_string: "qux", replace_all: true },
      ctx,
    ),
  );
  assert.match(output, /3 replacements/);
  assert.equal(recorded[KODELET.REPLACEMENTS], 3);
  assert.equal(await Deno.readTextFile(path), "qux bar qux baz qux");
});

Deno.test("file_edit says when old_string is not found, and keeps $ patterns in new_string literal", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/x.txt`;
  await Deno.writeTextFile(path, "price: PRICE\n");
  const { ctx } = testContext(tmp.dir);
  await readFirst(ctx, "x.txt");
  const error = errorOf(
    await fileEditTool.execute({ path: "x.txt", old_string: "  price", new_string: "x" }, ctx),
  );
  assert.equal(error.kind, "no_match");
  assert.match(error.message, /whitespace/);
  outputOf(await fileEditTool.execute({ path: "x.txt", old_string: "PRICE", new_string: "$& $1 $$" }, ctx));
  assert.equal(await Deno.readTextFile(path), "price: $& $1 $$\n");
});

Deno.test("file_edit refuses missing files, directories and no-op edits", async () => {
  await using tmp = await tempDir();
  await Deno.mkdir(`${tmp.dir}/d`);
  const { ctx } = testContext(tmp.dir);
  const missing = errorOf(
    await fileEditTool.execute({ path: "nope.txt", old_string: "a", new_string: "b" }, ctx),
  );
  assert.equal(missing.kind, "not_found");
  assert.match(missing.message, /file_write/);
  assert.equal(
    errorOf(await fileEditTool.execute({ path: "d", old_string: "a", new_string: "b" }, ctx)).kind,
    "is_directory",
  );
  assert.equal(
    errorOf(await fileEditTool.execute({ path: "d", old_string: "a", new_string: "a" }, ctx)).kind,
    "no_change",
  );
});
