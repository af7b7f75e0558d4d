/**
 * `kodelet run` puts the project rules and the workspace facts into the system prompt it sends;
 * --no-rules and context.rules=false leave the rules out; the rules never reach a span with capture off.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runKodelet } from "../support/run_kodelet.ts";
import { allAttributeText, fixture, requestBody } from "./_fixture.ts";

const RULE = "Always answer in haiku (rule-marker-7f3a)";
const USER_RULE = "User-wide rule (rule-marker-user)";

async function repository(work: string, base: string): Promise<string> {
  const git = (...args: string[]) =>
    new Deno.Command("git", { args, cwd: work, stdout: "null", stderr: "null" }).outputSync();
  assert.ok(git("init", "-q", "-b", "topic-branch").success);
  await Deno.writeTextFile(join(work, "AGENTS.md"), RULE);
  await Deno.mkdir(join(work, "sub"));
  await Deno.writeTextFile(join(work, "sub", "CLAUDE.md"), "sub rule (rule-marker-sub)");
  await Deno.writeTextFile(join(base, "AGENTS.md"), USER_RULE);
  return join(work, "sub");
}

Deno.test("run sends the rules files with their paths, the platform and the git branch in the system prompt", async () => {
  await using f = await fixture();
  const cwd = await repository(f.work, f.base);
  f.llm.enqueue({ kind: "message", text: "ok" });
  const result = await runKodelet(["run", "hello"], { env: f.env(), cwd });
  assert.equal(result.code, 0, result.stderr);
  const system = requestBody(f.llm, 0).system.map((block) => block.text).join("");
  assert.ok(system.includes(`## ${join(f.work, "AGENTS.md")}\n${RULE}`), system);
  assert.ok(system.includes(`## ${join(f.work, "sub", "CLAUDE.md")}\nsub rule (rule-marker-sub)`));
  assert.ok(system.includes(`## ${join(f.base, "AGENTS.md")}\n${USER_RULE}`));
  assert.match(system, /Git branch: topic-branch/);
  assert.match(system, /Git status \(at start\): \d+ changed path/);
  assert.match(system, new RegExp(`Platform: ${Deno.build.os}`));

  // Content capture is off: the rules are user content and appear on no span.
  const spans = await f.receiver.waitForSpans(3);
  assert.doesNotMatch(allAttributeText(spans), /rule-marker/);
});

Deno.test("run --no-rules and context.rules=false leave the rules files out, the facts stay", async () => {
  await using f = await fixture();
  const cwd = await repository(f.work, f.base);
  f.llm.enqueue({ kind: "message", text: "ok" }, { kind: "message", text: "ok" }, {
    kind: "message",
    text: "ok",
  });
  const flag = await runKodelet(["run", "--no-rules", "hello"], { env: f.env(), cwd });
  assert.equal(flag.code, 0, flag.stderr);
  const env = await runKodelet(["run", "hello"], { env: f.env({ KODELET_CONTEXT_RULES: "false" }), cwd });
  assert.equal(env.code, 0, env.stderr);
  // The flag wins over the environment.
  const both = await runKodelet(["run", "--rules", "hello"], {
    env: f.env({ KODELET_CONTEXT_RULES: "false" }),
    cwd,
  });
  assert.equal(both.code, 0, both.stderr);
  for (const index of [0, 1]) {
    const system = requestBody(f.llm, index).system.map((block) => block.text).join("");
    assert.doesNotMatch(system, /rule-marker|Project rules/);
    assert.match(system, /Git branch: topic-branch/);
  }
  assert.match(requestBody(f.llm, 2).system.map((block) => block.text).join(""), /rule-marker-7f3a/);
});

Deno.test("a bad context.rules value is a usage error naming key, value and source", async () => {
  await using f = await fixture();
  const result = await runKodelet(["run", "hello"], {
    env: f.env({ KODELET_CONTEXT_RULES: "maybe" }),
    cwd: f.work,
  });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr.trim(),
    'kodelet: Invalid context.rules "maybe" (from KODELET_CONTEXT_RULES): must be true or false',
  );
});
