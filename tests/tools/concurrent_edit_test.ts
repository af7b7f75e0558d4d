/** Tool calls of one message run concurrently; two edits of one file must both land. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileEditTool } from "../../lib/tools/file_edit.ts";
import { fileReadTool } from "../../lib/tools/file_read.ts";
import { testContext } from "./_context.ts";

Deno.test("file_edit applies two concurrent edits of the same file, one after the other", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "notes.txt");
    await Deno.writeTextFile(path, "alpha\nbeta\ngamma\n");
    const { ctx } = testContext(dir);
    const read = await fileReadTool.execute({ path: "notes.txt" }, ctx);
    assert.ok(read.ok);
    const [first, second] = await Promise.all([
      fileEditTool.execute({ path: "notes.txt", old_string: "alpha", new_string: "ALPHA" }, ctx),
      fileEditTool.execute({ path: "notes.txt", old_string: "gamma", new_string: "GAMMA" }, ctx),
    ]);
    assert.ok(first.ok && second.ok, JSON.stringify([first, second]));
    assert.equal(await Deno.readTextFile(path), "ALPHA\nbeta\nGAMMA\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
