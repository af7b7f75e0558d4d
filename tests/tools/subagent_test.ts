import assert from "node:assert/strict";
import { subagentTool } from "../../lib/tools/subagent.ts";
import { errorOf, outputOf, testContext } from "./_context.ts";

Deno.test("subagent passes the question and the signal to ctx.subagent and returns its answer", async () => {
  const controller = new AbortController();
  const seen: { question: string; signal: AbortSignal }[] = [];
  const { ctx } = testContext("/", {
    signal: controller.signal,
    subagent: (question, signal) => {
      seen.push({ question, signal });
      return Promise.resolve("It is in lib/parse.ts, line 40.");
    },
  });
  const output = outputOf(await subagentTool.execute({ question: "Where is the parser?" }, ctx));
  assert.equal(output, "It is in lib/parse.ts, line 40.");
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.question, "Where is the parser?");
  assert.equal(seen[0]?.signal, controller.signal);
});

Deno.test("subagent is a tool error when no subagent can run (inside a subagent)", async () => {
  const { ctx } = testContext("/");
  const error = errorOf(await subagentTool.execute({ question: "anything" }, ctx));
  assert.equal(error.kind, "unavailable");
  assert.match(error.message, /not available/);
});

Deno.test("subagent says when the nested agent gave no answer", async () => {
  const { ctx } = testContext("/", { subagent: () => Promise.resolve("  \n") });
  assert.equal(outputOf(await subagentTool.execute({ question: "q" }, ctx)), "(the subagent gave no answer)");
});
