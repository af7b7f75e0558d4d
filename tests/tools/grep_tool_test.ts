import assert from "node:assert/strict";
import { KODELET } from "../../lib/telemetry/attributes.ts";
import {
  builtinSearch,
  findRipgrep,
  type GrepRequest,
  ripgrepSearch,
} from "../../lib/tools/_grep_engines.ts";
import { grepSearch, grepTool, sortMatches } from "../../lib/tools/grep_tool.ts";
import { errorOf, outputOf, tempDir, testContext } from "./_context.ts";
import { writeTree } from "./_tree.ts";

const rg = await findRipgrep(Deno.env.get("PATH") ?? "");
/** An environment whose PATH holds no rg, so the built-in search runs. */
const NO_RG = { env: { PATH: "" } };

function request(root: string, overrides: Partial<GrepRequest> = {}): GrepRequest {
  return {
    root,
    pattern: "needle",
    include: [],
    ignoreCase: false,
    limit: 10_000,
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** The matching files, relative to root, sorted. */
function filesOf(root: string, matches: { path: string }[]): string[] {
  return [...new Set(matches.map((match) => match.path.slice(root.length + 1)))].sort();
}

Deno.test("grep_tool's built-in search honours .gitignore, skips .git and binary files, searches hidden files", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const outcome = await builtinSearch(request(tmp.dir));
  assert.ok(outcome.complete);
  assert.deepEqual(filesOf(tmp.dir, outcome.matches), [
    ".hidden/h.ts",
    "docs/x/final.md",
    "keep.log",
    "src/a.ts",
    "src/b.js",
    "src/root_only.txt",
    "src/sub/c.ts",
    "vendor/v.ts",
  ]);
  const c = sortMatches(outcome.matches).filter((match) => match.path.endsWith("c.ts"));
  assert.deepEqual(c.map((match) => [match.line, match.text]), [[1, "const needle = 3;"], [
    2,
    "needle again",
  ]]);
});

Deno.test("grep_tool's include globs follow ripgrep: names at any depth, paths from the root, ! excludes, {a,b}", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const cases: [string[], string[]][] = [
    [["*.ts"], [".hidden/h.ts", "src/a.ts", "src/sub/c.ts", "vendor/v.ts"]],
    [["src/*.ts"], ["src/a.ts"]],
    [["src/**/*.ts"], ["src/a.ts", "src/sub/c.ts"]],
    [["*.ts", "!vendor"], [".hidden/h.ts", "src/a.ts", "src/sub/c.ts"]],
    [["*.{ts,js}", "!.hidden"], ["src/a.ts", "src/b.js", "src/sub/c.ts", "vendor/v.ts"]],
    [["!*.ts"], ["docs/x/final.md", "keep.log", "src/b.js", "src/root_only.txt"]],
  ];
  for (const [include, expected] of cases) {
    const outcome = await builtinSearch(request(tmp.dir, { include }));
    assert.deepEqual(filesOf(tmp.dir, outcome.matches), expected, `include ${include.join(" ")}`);
  }
});

Deno.test("grep_tool lists matches by file with line numbers and records its figures", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const { ctx, recorded } = testContext(tmp.dir, NO_RG);
  const output = outputOf(
    await grepTool.execute({ pattern: "needle", path: "src", case_insensitive: true }, ctx),
  );
  assert.equal(
    output,
    [
      "6 matching lines in 4 files.",
      "",
      "src/a.ts\n  1: needle one\n  3: NEEDLE two",
      "",
      "src/b.js\n  1: needle js",
      "",
      "src/root_only.txt\n  1: needle anchored elsewhere",
      "",
      "src/sub/c.ts\n  1: const needle = 3;\n  2: needle again",
    ].join("\n"),
  );
  assert.equal(recorded[KODELET.MATCHES], 6);
  assert.equal(recorded[KODELET.SEARCH_ENGINE], "builtin");
});

Deno.test("grep_tool caps the results with a notice, searches a single file, and says when nothing matched", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const { ctx } = testContext(tmp.dir, NO_RG);
  const capped = outputOf(await grepTool.execute({ pattern: "needle", max_results: 2 }, ctx));
  assert.match(capped, /^9 matching lines in 8 files\./);
  assert.match(
    capped,
    /\[Showing the first 2 of 9 matches \(sorted by path\)\. Narrow the pattern, path or include/,
  );
  assert.equal(capped.split("\n").filter((line) => line.startsWith("  ")).length, 2);
  const single = outputOf(await grepTool.execute({ pattern: "two", path: "src/a.ts" }, ctx));
  assert.match(single, /src\/a\.ts\n {2}3: NEEDLE two/);
  assert.equal(outputOf(await grepTool.execute({ pattern: "haystack" }, ctx)), 'No matches for "haystack".');
});

Deno.test("grep_tool stops collecting at the limit and says the result is incomplete", async () => {
  await using tmp = await tempDir();
  await writeTree(tmp.dir);
  const outcome = await builtinSearch(request(tmp.dir, { limit: 3 }));
  assert.equal(outcome.matches.length, 3);
  assert.equal(outcome.complete, false);
  if (rg) {
    const fast = await ripgrepSearch(request(tmp.dir, { limit: 3 }), rg);
    assert.equal(fast.matches.length, 3);
    assert.equal(fast.complete, false);
  }
});

Deno.test("grep_tool returns an invalid pattern as a tool error", async () => {
  await using tmp = await tempDir();
  for (const env of [NO_RG, {}]) {
    const { ctx } = testContext(tmp.dir, env);
    const error = errorOf(await grepTool.execute({ pattern: "foo(bar" }, ctx));
    assert.equal(error.kind, "invalid_pattern");
    assert.match(error.message, /foo\(bar/);
  }
});

Deno.test("grep_tool gives a missing path as a tool error", async () => {
  await using tmp = await tempDir();
  const { ctx } = testContext(tmp.dir, NO_RG);
  assert.equal(errorOf(await grepTool.execute({ pattern: "x", path: "missing" }, ctx)).kind, "not_found");
});

Deno.test({
  name: "grep_tool gives the same results with rg and with the built-in search",
  ignore: rg === undefined,
  async fn() {
    assert.ok(rg);
    await using tmp = await tempDir();
    await writeTree(tmp.dir);
    const requests: Partial<GrepRequest>[] = [
      {},
      { ignoreCase: true },
      { pattern: "^needle \\w+$" },
      { pattern: "again$" },
      { pattern: "(?i)NEEDLE" },
      { include: ["*.ts"] },
      { include: ["src/**"] },
      { include: ["*.ts", "!vendor"] },
      { include: ["*.{md,log}"] },
      { include: ["!*.ts"] },
      { include: ["src/**/*.ts"] },
      { include: ["**/*.ts", "!src/sub/c.ts"] },
      { include: ["!vendor", "*.ts", "src/sub/*"] },
      { include: ["build/**", "*.js"] },
      { root: `${tmp.dir}/src` },
      { root: `${tmp.dir}/src/sub` },
      { root: `${tmp.dir}/src/a.ts` },
    ];
    for (const overrides of requests) {
      const built = sortMatches((await builtinSearch(request(tmp.dir, overrides))).matches);
      const fast = sortMatches((await ripgrepSearch(request(tmp.dir, overrides), rg)).matches);
      assert.deepEqual(fast, built, `same matches for ${JSON.stringify(overrides)}`);
      assert.ok(built.length > 0, `matches for ${JSON.stringify(overrides)}`);
    }
    const { ctx, recorded } = testContext(tmp.dir);
    outputOf(await grepTool.execute({ pattern: "needle" }, ctx));
    assert.equal(recorded[KODELET.SEARCH_ENGINE], "ripgrep");
  },
});

Deno.test({
  name: "grep_tool falls back to the built-in search for patterns only JavaScript accepts",
  ignore: rg === undefined,
  async fn() {
    await using tmp = await tempDir();
    await writeTree(tmp.dir);
    const outcome = await grepSearch(request(tmp.dir, { pattern: "needle(?= one)" }), rg);
    assert.equal(outcome.engine, "builtin");
    assert.deepEqual(filesOf(tmp.dir, outcome.matches), ["src/a.ts"]);
  },
});

if (rg === undefined) {
  console.log(
    "grep_tool_test: rg is not on PATH; the rg/built-in comparison is skipped (apt-get install ripgrep to run it).",
  );
}
