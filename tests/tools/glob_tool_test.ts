import assert from "node:assert/strict";
import { KODELET } from "../../lib/telemetry/attributes.ts";
import { globTool, splitGlob } from "../../lib/tools/glob_tool.ts";
import { errorOf, outputOf, tempDir, testContext } from "./_context.ts";
import { TREE, writeTree } from "./_tree.ts";

/** Gives each file of the tree its own mtime: later in TREE's order is newer. */
async function ageTree(dir: string): Promise<void> {
  const base = Date.now() - 3_600_000;
  let index = 0;
  for (const path of Object.keys(TREE)) {
    const time = new Date(base + 1000 * index++);
    await Deno.utime(`${dir}/${path}`, time, time);
  }
}

function listed(output: string): string[] {
  return output.split("\n").slice(1).filter((line) => !line.startsWith("["));
}

Deno.test("glob_tool lists matching files newest first, honouring .gitignore and skipping .git", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  await ageTree(tmp.dir);
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(await globTool.execute({ pattern: "**/*.ts" }, ctx));
  assert.match(output, /^4 files match "\*\*\/\*\.ts" \(newest first\)\./);
  assert.deepEqual(listed(output), ["vendor/v.ts", ".hidden/h.ts", "src/sub/c.ts", "src/a.ts"]);
  assert.equal(recorded[KODELET.MATCHES], 4);
  const all = listed(outputOf(await globTool.execute({ pattern: "**" }, ctx)));
  assert.ok(
    !all.some((path) =>
      path.startsWith(".git/") || path.startsWith("build/") || path.endsWith(".log") && path !== "keep.log"
    ),
  );
  assert.ok(!all.includes("root_only.txt") && all.includes("src/root_only.txt"));
  assert.ok(!all.includes("docs/x/draft1.md") && all.includes("docs/x/final.md"));
});

Deno.test("glob_tool matches * within one directory, ** across, and {a,b} alternatives", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const { ctx } = testContext(tmp.dir);
  const sorted = async (pattern: string, path?: string) =>
    listed(outputOf(await globTool.execute(path === undefined ? { pattern } : { pattern, path }, ctx)))
      .sort();
  assert.deepEqual(await sorted("*.log"), ["keep.log"]);
  assert.deepEqual(await sorted("src/*.ts"), ["src/a.ts"]);
  assert.deepEqual(await sorted("src/**/*.ts"), ["src/a.ts", "src/sub/c.ts"]);
  assert.deepEqual(await sorted("**/{a,c}.ts"), ["src/a.ts", "src/sub/c.ts"]);
  assert.deepEqual(await sorted("*.ts", "src"), ["src/a.ts"]);
  assert.deepEqual(await sorted("./src/b.js"), ["src/b.js"]);
  assert.deepEqual(await sorted(`${tmp.dir}/src/**/c.?s`), ["src/sub/c.ts"]);
});

Deno.test("glob_tool caps the list with a notice and says when nothing matches", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const { ctx } = testContext(tmp.dir);
  const output = outputOf(await globTool.execute({ pattern: "**/*", max_results: 2 }, ctx));
  assert.equal(listed(output).length, 2);
  assert.match(
    output,
    /\[Showing the 2 newest of \d+ files\. Narrow the pattern or path to see the rest\.\]$/,
  );
  assert.equal(outputOf(await globTool.execute({ pattern: "**/*.rs" }, ctx)), 'No files match "**/*.rs".');
});

Deno.test("glob_tool gives a missing or non-directory path as a tool error", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const { ctx } = testContext(tmp.dir);
  assert.equal(errorOf(await globTool.execute({ pattern: "*", path: "nope" }, ctx)).kind, "not_found");
  assert.equal(
    errorOf(await globTool.execute({ pattern: "*", path: "keep.log" }, ctx)).kind,
    "not_a_directory",
  );
});

Deno.test("glob_tool starts its walk at the pattern's literal directory", () => {
  assert.deepEqual(splitGlob("/r", "src/lib/**/*.ts"), { base: "/r/src/lib", rest: "**/*.ts" });
  assert.deepEqual(splitGlob("/r", "*.md"), { base: "/r", rest: "*.md" });
  assert.deepEqual(splitGlob("/r", "/abs/dir/*.go"), { base: "/abs/dir", rest: "*.go" });
  assert.deepEqual(splitGlob("/r", "a/{b,c}/d.txt"), { base: "/r/a", rest: "{b,c}/d.txt" });
});
