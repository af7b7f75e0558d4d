import assert from "node:assert/strict";
import { compileIncludeGlobs, globToRegExp, isIgnored, parseGitignore } from "../../lib/tools/gitignore.ts";

Deno.test("globToRegExp: * and ? stay in one directory, ** spans them, classes and {a,b} work", () => {
  const cases: [string, string[], string[]][] = [
    ["*.ts", ["a.ts", ".x.ts"], ["a/b.ts", "a.tsx"]],
    ["src/**/*.ts", ["src/a.ts", "src/x/y/a.ts"], ["lib/a.ts", "src/a.js"]],
    ["**/test", ["test", "a/b/test"], ["test/x", "atest"]],
    ["a/**", ["a/b", "a/b/c"], ["a", "b/a/c"]],
    ["a/**/b", ["a/b", "a/x/b", "a/x/y/b"], ["a/xb"]],
    ["file?.txt", ["file1.txt"], ["file10.txt", "file/.txt"]],
    ["[a-c]x[!0-9]", ["axz", "cxy"], ["dxz", "ax1"]],
    ["*.{ts,tsx}", ["a.ts", "a.tsx"], ["a.js"]],
    ["a**b", ["ab", "axxb"], ["a/b"]],
    ["\\*star", ["*star"], ["xstar"]],
    ["[unclosed", ["[unclosed"], ["u"]],
    // A glob with an unclosed `{` is malformed: picomatch matches nothing with it.
    ["x.{a", [], ["x.a", "x.{a"]],
  ];
  for (const [glob, yes, no] of cases) {
    const regex = globToRegExp(glob);
    for (const path of yes) assert.ok(regex.test(path), `${glob} matches ${path}`);
    for (const path of no) assert.ok(!regex.test(path), `${glob} does not match ${path}`);
  }
});

Deno.test("gitignore rules: anchoring, directories only, negation, comments and escapes", () => {
  const root = parseGitignore(
    "/repo",
    [
      "# comment",
      "",
      "*.log",
      "!keep.log",
      "/top.txt",
      "build/",
      "docs/**/draft*",
      "\\#hash",
      "\\!bang",
      "trailing   ",
    ].join("\n"),
  );
  const ignored = (path: string, isDir = false) => isIgnored([root], `/repo/${path}`, isDir);
  assert.ok(ignored("a.log") && ignored("deep/b.log"));
  assert.ok(!ignored("keep.log") && !ignored("x/keep.log"));
  assert.ok(ignored("top.txt") && !ignored("sub/top.txt"));
  assert.ok(ignored("build", true) && ignored("x/build", true) && !ignored("build"));
  assert.ok(ignored("docs/a/draft1.md") && ignored("docs/draft.md") && !ignored("other/docs/a/draft.md"));
  assert.ok(ignored("#hash") && ignored("!bang"));
  assert.ok(ignored("trailing") && !ignored("# comment"));
});

Deno.test("gitignore: a deeper .gitignore overrides a shallower one, and rules are relative to their directory", () => {
  const root = parseGitignore("/repo", "*.gen\n/out\n");
  const sub = parseGitignore("/repo/pkg", "!keep.gen\nout\n");
  const stack = [root, sub];
  assert.ok(isIgnored(stack, "/repo/pkg/a.gen", false));
  assert.ok(!isIgnored(stack, "/repo/pkg/keep.gen", false));
  assert.ok(isIgnored(stack, "/repo/keep.gen", false), "the negation only applies below pkg");
  assert.ok(isIgnored(stack, "/repo/out", true));
  assert.ok(!isIgnored([root], "/repo/pkg/out", true), "/out is anchored to the root");
  assert.ok(isIgnored(stack, "/repo/pkg/out", true));
  assert.ok(!isIgnored(stack, "/elsewhere/a.gen", false));
});

Deno.test("include globs: names at any depth, paths from the root, exclusions win and prune directories", () => {
  const filter = compileIncludeGlobs(["*.ts", "src/*.js", "!*_test.ts", "!vendor"]);
  assert.ok(filter.file("a.ts") && filter.file("deep/x/a.ts") && filter.file("src/b.js"));
  assert.ok(!filter.file("src/x/b.js") && !filter.file("a_test.ts") && !filter.file("README.md"));
  assert.ok(filter.excludesDir("vendor") && filter.excludesDir("a/vendor") && !filter.excludesDir("src"));
  const onlyExcludes = compileIncludeGlobs(["!*.md"]);
  assert.ok(onlyExcludes.file("a.ts") && !onlyExcludes.file("README.md"));
  assert.ok(compileIncludeGlobs([]).file("anything"));
});
