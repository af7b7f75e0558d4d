/** The gate: asking through the Approver one question at a time, "always", Ctrl-C, and nobody to ask. */
import assert from "node:assert/strict";
import {
  type ApprovalAnswer,
  type ApprovalRequest,
  parseRule,
  PermissionGate,
  type PermissionMode,
} from "../../lib/tools/permissions/mod.ts";
import { places } from "./_judge.ts";

function gate(
  where: { tmpDir: string },
  answer?: (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalAnswer>,
  mode: PermissionMode = "ask",
  allow: string[] = [],
) {
  const asked: ApprovalRequest[] = [];
  const approver = answer
    ? (request: ApprovalRequest, signal: AbortSignal) => {
      asked.push(request);
      return answer(request, signal);
    }
    : undefined;
  return {
    asked,
    gate: new PermissionGate(
      { mode, allow: allow.map((rule) => parseRule(rule, "--allow")), deny: [] },
      { approver, tmpDir: where.tmpDir, home: "/home/tester", resolveHost: () => Promise.resolve([]) },
    ),
  };
}

const call = (command: string, callId = "c1") => ({
  tool: "bash",
  readOnly: false,
  input: { command },
  callId,
});
const never = new AbortController().signal;

Deno.test("with nobody to ask, a call that would ask is refused and the model is told how to allow it", async () => {
  await using where = await places();
  const { gate: g } = gate(where);
  const decision = await g.check(call("rm -f app.py"), where.cwd, never);
  assert.equal(decision.allow, false);
  assert.equal(decision.source, "no_terminal");
  assert.match(decision.message ?? "", /^Not permitted: bash \(rm -f app\.py\) needs the user's approval/);
  assert.match(decision.message ?? "", /--allow 'bash\(rm -f app\.py\)'/);
  assert.match(decision.message ?? "", /--yolo/);
  const read = await g.check(
    { tool: "file_read", readOnly: true, input: { path: "a" }, callId: "r" },
    where.cwd,
    never,
  );
  assert.deepEqual([read.allow, read.source], [true, "mode"]);
});

Deno.test("yes allows once, no refuses, always adds the exact rule for the rest of the session", async () => {
  await using where = await places();
  const answers: ApprovalAnswer[] = ["yes", "no", "always"];
  const { gate: g, asked } = gate(where, () => Promise.resolve(answers.shift() ?? "no"));
  const yes = await g.check(call("make"), where.cwd, never);
  assert.deepEqual([yes.allow, yes.source], [true, "user"]);
  const no = await g.check(call("make"), where.cwd, never);
  assert.deepEqual([no.allow, no.source], [false, "user"]);
  assert.match(no.message ?? "", /The user declined this bash call/);
  const always = await g.check(call("make  install"), where.cwd, never);
  assert.deepEqual([always.allow, always.source, always.rules[0]?.text], [
    true,
    "user",
    "bash(make install)",
  ]);
  const again = await g.check(call("make install"), where.cwd, never);
  assert.deepEqual([again.allow, again.source, again.rules[0]?.source], [true, "rule", "session"]);
  assert.equal(asked.length, 3);
  assert.deepEqual(asked[0], { tool: "bash", callId: "c1", summary: "make", rule: "bash(make)" });
  assert.deepEqual(g.sessionRules().map((rule) => rule.text), ["bash(make install)"]);
});

Deno.test("concurrent calls are asked one at a time, and an 'always' covers the ones still waiting", async () => {
  await using where = await places();
  let open = 0;
  let most = 0;
  const { gate: g, asked } = gate(where, async () => {
    open++;
    most = Math.max(most, open);
    await new Promise((resolve) => setTimeout(resolve, 20));
    open--;
    return "always";
  });
  const decisions = await Promise.all([
    g.check(call("npm test", "a"), where.cwd, never),
    g.check(call("npm test", "b"), where.cwd, never),
    g.check(call("ls", "c"), where.cwd, never),
  ]);
  assert.equal(most, 1);
  assert.deepEqual(asked.map((request) => request.callId), ["a", "c"]);
  assert.deepEqual(decisions.map((decision) => decision.source), ["user", "rule", "user"]);
});

Deno.test("Ctrl-C during a question (an aborted signal) and a broken prompt both mean no", async () => {
  await using where = await places();
  const controller = new AbortController();
  const { gate: g } = gate(where, (_request, signal) =>
    new Promise((_resolve, reject) => {
      signal.addEventListener("abort", () => reject(new Error("aborted")));
      controller.abort();
    }));
  const cancelled = await g.check(call("make"), where.cwd, controller.signal);
  assert.deepEqual([cancelled.allow, cancelled.source], [false, "user"]);
  const { gate: broken } = gate(where, () => Promise.reject(new Error("terminal closed")));
  assert.equal((await broken.check(call("make"), where.cwd, never)).allow, false);
});

Deno.test("an edit question carries a unified diff of the change", async () => {
  await using where = await places();
  await Deno.writeTextFile(`${where.cwd}/app.py`, "print('hello')\nprint('bye')\n");
  const { gate: g, asked } = gate(where, () => Promise.resolve("no"));
  await g.check(
    {
      tool: "file_edit",
      readOnly: false,
      input: { path: "app.py", old_string: "hello", new_string: "world" },
      callId: "e",
    },
    where.cwd,
    never,
  );
  const request = asked[0];
  assert.equal(request?.summary, "app.py");
  assert.equal(request?.rule, "file_edit(app.py)");
  assert.match(
    request?.diff ?? "",
    /--- app\.py\n\+\+\+ app\.py\n@@ -1,2 \+1,2 @@\n-print\('hello'\)\n\+print\('world'\)\n print\('bye'\)/,
  );
  assert.equal(await Deno.readTextFile(`${where.cwd}/app.py`), "print('hello')\nprint('bye')\n");
});

Deno.test("read-only mode offers only the read tools and tools that declare themselves read-only", async () => {
  await using where = await places();
  const { gate: g } = gate(where, undefined, "read-only");
  assert.ok(g.offers({ name: "file_read", readOnly: true }));
  assert.ok(g.offers({ name: "todo_write", readOnly: false }));
  assert.ok(g.offers({ name: "mcp__docs__search", readOnly: true }));
  assert.ok(!g.offers({ name: "bash", readOnly: false }));
  assert.ok(!g.offers({ name: "mcp__github__create_issue", readOnly: false }));
  assert.ok(gate(where, undefined, "ask").gate.offers({ name: "bash", readOnly: false }));
});
