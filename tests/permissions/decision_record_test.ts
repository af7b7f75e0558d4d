/**
 * What a decision becomes in the signals: the span attributes and the `kodelet.tool_decision` event's
 * record follow one privacy rule. Configured rules are configuration and always recorded; a rule an
 * "always" answer added quotes the command, so it is recorded only with content capture on.
 */
import assert from "node:assert/strict";
import { decisionAttributes, decisionRecord } from "../../lib/tools/mod.ts";
import { parseRule, PermissionGate } from "../../lib/tools/permissions/mod.ts";
import { places } from "./_judge.ts";

const never = new AbortController().signal;
const bash = (command: string, callId: string) => ({
  tool: "bash",
  readOnly: false,
  input: { command },
  callId,
});

Deno.test("decision record: an 'always' rule quotes the command, so it is recorded only with content capture", async () => {
  await using where = await places();
  const gate = new PermissionGate(
    { mode: "ask", allow: [parseRule("bash(npm test:*)", "--allow")], deny: [] },
    { approver: () => Promise.resolve("always"), tmpDir: where.tmpDir, home: "/home/tester" },
  );
  const answered = await gate.check(bash("make deploy-secret", "c1"), where.cwd, never);
  const covered = await gate.check(bash("make deploy-secret", "c2"), where.cwd, never);
  const configured = await gate.check(bash("npm test --watch", "c3"), where.cwd, never);

  for (const decision of [answered, covered]) {
    const hidden = decisionRecord({ tool: "bash", callId: "c" }, decision, "ask", false);
    assert.equal(hidden.rule, undefined);
    assert.ok(!JSON.stringify(hidden).includes("deploy-secret"), JSON.stringify(hidden));
    assert.equal(decisionAttributes(decision, false)["kodelet.tool.decision.rule"], undefined);
    const captured = decisionRecord({ tool: "bash", callId: "c" }, decision, "ask", true);
    assert.equal(captured.rule, "bash(make deploy-secret)");
    assert.equal(decisionAttributes(decision, true)["kodelet.tool.decision.rule"], captured.rule);
  }
  assert.deepEqual(decisionRecord({ tool: "bash", callId: "c1" }, answered, "ask", false), {
    tool: "bash",
    callId: "c1",
    decision: "allow",
    source: "user",
    rule: undefined,
    limit: undefined,
    mode: "ask",
  });
  assert.equal(decisionRecord({ tool: "bash", callId: "c2" }, covered, "ask", false).source, "rule");
  const record = decisionRecord({ tool: "bash", callId: "c3" }, configured, "ask", false);
  assert.deepEqual([record.decision, record.source, record.rule], ["allow", "rule", "bash(npm test:*)"]);
});

Deno.test("decision record: a hard limit names the limit and the mode, never the command", async () => {
  await using where = await places();
  const gate = new PermissionGate(
    { mode: "yolo", allow: [], deny: [] },
    { tmpDir: where.tmpDir, home: "/home/tester" },
  );
  const decision = await gate.check(bash("rm -rf ~", "c1"), where.cwd, never);
  const record = decisionRecord({ tool: "bash", callId: "c1" }, decision, gate.settings.mode, false);
  assert.deepEqual(
    [record.decision, record.source, record.limit, record.mode],
    ["deny", "hard_limit", "catastrophic_command", "yolo"],
  );
  assert.ok(!JSON.stringify(record).includes("rm -rf"));
});
