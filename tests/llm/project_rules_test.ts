/** Project rules files: found at each level from the repository root down, capped, and put in the prompt. */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  loadProjectRules,
  MAX_RULES_FILE_BYTES,
  MAX_RULES_TOTAL_BYTES,
  rulesSection,
} from "../../lib/llm/project_rules.ts";
import { systemPrompt } from "../../lib/llm/system_prompt.ts";
import { branchOf, statusSummary, workspaceFacts } from "../../lib/llm/workspace_facts.ts";

async function tree(): Promise<{ root: string; base: string } & AsyncDisposable> {
  const top = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-rules-" }));
  const root = join(top, "repo");
  const base = join(top, "base");
  await Deno.mkdir(join(root, ".git"), { recursive: true });
  await Deno.mkdir(join(root, "pkg", "deep"), { recursive: true });
  await Deno.mkdir(base);
  return { root, base, [Symbol.asyncDispose]: () => Deno.remove(top, { recursive: true }) };
}

Deno.test("rules: the user's file, then the repository root down to the working directory", async () => {
  await using t = await tree();
  await Deno.writeTextFile(join(t.base, "AGENTS.md"), "user: be brief");
  await Deno.writeTextFile(join(t.root, "AGENTS.md"), "root: use deno");
  await Deno.writeTextFile(join(t.root, "CLAUDE.md"), "root claude: ignored, AGENTS.md exists here");
  await Deno.writeTextFile(join(t.root, "pkg", "KODELET.md"), "pkg: kodelet rules");
  await Deno.writeTextFile(join(t.root, "pkg", "deep", "CLAUDE.md"), "deep: fallback");
  // Above the repository root: not read.
  await Deno.writeTextFile(join(t.root, "..", "AGENTS.md"), "outside: never");

  const files = loadProjectRules(join(t.root, "pkg", "deep"), t.base);
  assert.deepEqual(files.map((file) => [file.path, file.text]), [
    [join(t.base, "AGENTS.md"), "user: be brief"],
    [join(t.root, "AGENTS.md"), "root: use deno"],
    [join(t.root, "pkg", "KODELET.md"), "pkg: kodelet rules"],
    [join(t.root, "pkg", "deep", "CLAUDE.md"), "deep: fallback"],
  ]);

  const prompt = systemPrompt(join(t.root, "pkg", "deep"), new Date("2026-12-01T00:00:00Z"), {
    rules: files,
  });
  assert.match(prompt, /# Project rules/);
  for (const file of files) {
    assert.ok(prompt.includes(`## ${file.path}\n${file.text}`), file.path);
  }
  assert.ok(prompt.indexOf("user: be brief") < prompt.indexOf("deep: fallback"), "deeper files come later");
});

Deno.test("rules: both AGENTS.md and KODELET.md of one level are read; outside a repository only cwd", async () => {
  await using t = await tree();
  await Deno.writeTextFile(join(t.root, "pkg", "AGENTS.md"), "a");
  await Deno.writeTextFile(join(t.root, "pkg", "KODELET.md"), "k");
  assert.deepEqual(loadProjectRules(join(t.root, "pkg"), t.base).map((file) => file.text), ["a", "k"]);

  await Deno.remove(join(t.root, ".git"), { recursive: true });
  await Deno.writeTextFile(join(t.root, "AGENTS.md"), "not a repository any more: not read from pkg");
  assert.deepEqual(loadProjectRules(join(t.root, "pkg"), t.base).map((file) => file.text), ["a", "k"]);
  assert.deepEqual(loadProjectRules(t.root, t.base).map((file) => file.text), [
    "not a repository any more: not read from pkg",
  ]);
});

Deno.test("rules: a big file is cut at the cap and the prompt says so; the total is capped too", async () => {
  await using t = await tree();
  await Deno.writeTextFile(join(t.root, "AGENTS.md"), "é".repeat(MAX_RULES_FILE_BYTES));
  await Deno.writeTextFile(join(t.root, "KODELET.md"), "k".repeat(MAX_RULES_FILE_BYTES));
  await Deno.writeTextFile(join(t.root, "pkg", "AGENTS.md"), "p".repeat(MAX_RULES_FILE_BYTES));
  await Deno.writeTextFile(join(t.root, "pkg", "deep", "AGENTS.md"), "d".repeat(100));
  const files = loadProjectRules(join(t.root, "pkg", "deep"), t.base);
  const first = files[0];
  assert.ok(first);
  assert.equal(new TextEncoder().encode(first.text).length, MAX_RULES_FILE_BYTES, "cut between characters");
  assert.equal(first.cutBytes, MAX_RULES_FILE_BYTES);
  const total = files.reduce((sum, file) => sum + new TextEncoder().encode(file.text).length, 0);
  assert.ok(total <= MAX_RULES_TOTAL_BYTES, `total ${total}`);
  const last = files.at(-1);
  assert.ok(last && last.cutBytes > 0, "the file that crossed the total cap is cut");
  const section = rulesSection(files);
  assert.match(section, new RegExp(`\\[cut: ${MAX_RULES_FILE_BYTES} more bytes of .*AGENTS\\.md left out`));
});

Deno.test("rules: no files, no section; an empty file is left out", async () => {
  await using t = await tree();
  await Deno.writeTextFile(join(t.root, "AGENTS.md"), "  \n");
  assert.deepEqual(loadProjectRules(t.root, t.base), []);
  assert.equal(rulesSection([]), "");
  assert.doesNotMatch(systemPrompt(t.root, new Date(), { rules: [] }), /Project rules/);
});

Deno.test("workspace facts: platform, shell, git branch and a short status", async () => {
  await using t = await tree();
  await Deno.remove(join(t.root, ".git"), { recursive: true });
  const git = (...args: string[]) =>
    new Deno.Command("git", { args, cwd: t.root, stdout: "null", stderr: "null" }).outputSync();
  assert.ok(git("init", "-q", "-b", "feature/x").success);
  const env = { SHELL: "/bin/zsh" };
  await Deno.writeTextFile(join(t.root, "a.txt"), "a");
  const facts = await workspaceFacts(t.root, env);
  assert.equal(facts.platform, `${Deno.build.os} ${Deno.build.arch}`);
  assert.match(facts.shell, /\/bin\/zsh/);
  assert.equal(facts.git?.branch, "feature/x");
  assert.equal(facts.git?.status, "1 changed path:\n?? a.txt", "empty directories are not changes");
  const prompt = systemPrompt(t.root, new Date(), { facts });
  assert.match(prompt, /Git branch: feature\/x/);
  assert.match(prompt, /Platform: /);

  // With a commit, a clean tree, then a detached HEAD.
  const commit = ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one"];
  assert.ok(git("add", "a.txt").success && git(...commit).success);
  assert.deepEqual((await workspaceFacts(t.root, env)).git, { branch: "feature/x", status: "clean" });
  assert.ok(git("checkout", "-q", "--detach").success);
  assert.match((await workspaceFacts(t.root, env)).git?.branch ?? "", /^\(detached at [0-9a-f]{7,}\)$/);

  const outside = await Deno.makeTempDir();
  try {
    assert.equal((await workspaceFacts(outside, env)).git, undefined);
  } finally {
    await Deno.remove(outside);
  }
});

Deno.test("the branch from git status's header line, with an upstream, before the first commit, detached", () => {
  assert.equal(branchOf("## main...origin/main [ahead 1, behind 2]"), "main");
  assert.equal(branchOf("## feature/a.b"), "feature/a.b");
  assert.equal(branchOf("## No commits yet on trunk"), "trunk");
  assert.equal(branchOf("## HEAD (no branch)"), undefined);
});

Deno.test("git status summary: clean, and long lists counted", () => {
  assert.equal(statusSummary(""), "clean");
  const many = Array.from({ length: 25 }, (_, index) => ` M f${index}`).join("\n");
  const summary = statusSummary(many);
  assert.match(summary, /^25 changed paths:/);
  assert.match(summary, /\.\.\. and 5 more$/);
  assert.equal(summary.split("\n").length, 22);
});

Deno.test("the prompt says when bash runs in the sandbox, and whether it has the network", () => {
  const at = new Date("2026-12-01T00:00:00Z");
  assert.doesNotMatch(systemPrompt("/w", at), /Sandbox/);
  const offline = systemPrompt("/w", at, { sandbox: { network: false } });
  assert.match(offline, /^Sandbox: bash commands run in a sandbox .* there is no network\./m);
  const online = systemPrompt("/w", at, { sandbox: { network: true } });
  assert.match(online, /^Sandbox: .* temp directory are writable\. Write caches/m);
  assert.doesNotMatch(online, /no network/);
});
