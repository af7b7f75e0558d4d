/** Rule syntax: what parses, what is refused with a clear reason, and what each kind matches. */
import assert from "node:assert/strict";
import {
  matchesCommand,
  matchesHost,
  matchesPath,
  parseRule,
  ruleNamesTool,
} from "../../lib/tools/permissions/rules.ts";
import { parseRules } from "../../lib/tools/permissions/mod.ts";
import { UsageError } from "../../lib/errors.ts";

Deno.test("parseRule reads every kind of rule", () => {
  assert.deepEqual(parseRule("bash", "x").pattern, undefined);
  assert.deepEqual(parseRule("bash(git  status)", "x").pattern, { kind: "exact", command: "git status" });
  assert.deepEqual(parseRule("bash(npm test:*)", "x").pattern, { kind: "prefix", prefix: "npm test" });
  assert.deepEqual(parseRule("file_edit(src/**)", "x").pattern, { kind: "glob", glob: "src/**" });
  assert.deepEqual(parseRule("web_fetch(domain:Docs.Deno.com)", "x").pattern, {
    kind: "domain",
    domain: "docs.deno.com",
  });
  assert.equal(parseRule("mcp__github", "x").tool, "mcp__github");
  assert.equal(parseRule("bash(echo $(date))", "x").pattern?.kind, "exact");
});

Deno.test("parseRule refuses misspelt tools, empty and misplaced patterns", () => {
  const reasons: [string, RegExp][] = [
    ["bahs(ls)", /unknown tool "bahs"/],
    ["bash()", /pattern in parentheses is empty/],
    ["bash(:*)", /prefix before ":\*" is empty/],
    ["web_fetch(docs.deno.com)", /web_fetch\(domain:example.com\)/],
    ["web_fetch(domain:not a host)", /not a host name/],
    ["grep_tool(src)", /take no pattern/],
    ["mcp__github(x)", /MCP rules take no pattern/],
    ["bash(git status", /tool name with a pattern in parentheses/],
    ["", /must be a tool name/],
  ];
  for (const [text, reason] of reasons) assert.throws(() => parseRule(text, "x"), reason, text);
});

Deno.test("a bad configured rule is a usage error naming the rule and its source", () => {
  assert.throws(
    () =>
      parseRules("permissions.allow", [{ rule: "bash(ls)", source: "--allow" }, {
        rule: "bahs(ls)",
        source: "/w/kodelet-config.yaml",
      }]),
    (error: unknown) =>
      error instanceof UsageError && error.exitCode === 2 &&
      error.message ===
        'Invalid permissions.allow rule "bahs(ls)" (from /w/kodelet-config.yaml): unknown tool "bahs" ' +
          "(tools: file_read, grep_tool, glob_tool, todo_read, todo_write, subagent, file_write, file_edit, bash, web_fetch, mcp__<server>...)",
  );
});

Deno.test("bash rules: exact commands, and prefixes that stop at a word boundary", () => {
  const exact = parseRule("bash(git status)", "x");
  const prefix = parseRule("bash(npm test:*)", "x");
  assert.ok(matchesCommand(exact, "git status"));
  assert.ok(!matchesCommand(exact, "git status --short"));
  assert.ok(matchesCommand(prefix, "npm test"));
  assert.ok(matchesCommand(prefix, "npm test -- --watch"));
  assert.ok(!matchesCommand(prefix, "npm testing"));
  assert.ok(!matchesCommand(prefix, "npx npm test"));
});

Deno.test("path rules are globs relative to the working directory, or absolute", () => {
  const src = parseRule("file_edit(src/**)", "x");
  assert.ok(matchesPath(src, "/w/src/a/b.ts", "/w"));
  assert.ok(matchesPath(src, "/w/src/.env", "/w"), "dotfiles too");
  assert.ok(!matchesPath(src, "/w/srcx/a.ts", "/w"));
  assert.ok(!matchesPath(src, "/elsewhere/src/a.ts", "/w"));
  assert.ok(matchesPath(parseRule("file_write(/tmp/out/*.txt)", "x"), "/tmp/out/a.txt", "/w"));
  // The rule "always" writes for a path with glob characters matches that path only.
  assert.ok(matchesPath(parseRule("file_edit(a\\[1\\].ts)", "x"), "/w/a[1].ts", "/w"));
  assert.ok(!matchesPath(parseRule("file_edit(a\\[1\\].ts)", "x"), "/w/a1.ts", "/w"));
});

Deno.test("web_fetch rules match a host exactly or its subdomains with *.", () => {
  assert.ok(matchesHost(parseRule("web_fetch(domain:docs.deno.com)", "x"), "docs.deno.com"));
  assert.ok(!matchesHost(parseRule("web_fetch(domain:docs.deno.com)", "x"), "evil-docs.deno.com"));
  const wild = parseRule("web_fetch(domain:*.deno.com)", "x");
  assert.ok(matchesHost(wild, "docs.deno.com"));
  assert.ok(!matchesHost(wild, "deno.com"));
  assert.ok(!matchesHost(wild, "notdeno.com"));
});

Deno.test("an mcp__server rule names every tool of that server, and only of that server", () => {
  const server = parseRule("mcp__github", "x");
  assert.ok(ruleNamesTool(server, "mcp__github__create_issue"));
  assert.ok(!ruleNamesTool(server, "mcp__githubx__create_issue"));
  assert.ok(ruleNamesTool(parseRule("mcp__github__list", "x"), "mcp__github__list"));
  assert.ok(!ruleNamesTool(parseRule("mcp__github__list", "x"), "mcp__github__list_all"));
});
