/**
 * The `kodelet.tool_decision` log event end to end: `kodelet run` in a pipe (nobody can answer) with
 * one call a configured rule allows, one nobody allowed and one a hard limit refuses, against the
 * test OTLP receiver. One event per decision, each in the context of its execute_tool span, with the
 * span's decision figures and the mode, and neither the command nor a path in any log record.
 */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { runKodelet } from "../support/run_kodelet.ts";

Deno.test("run emits one kodelet.tool_decision per decision, in its execute_tool span, with no command or path", async () => {
  const llm = await startLlmServer();
  const receiver = await startOtlpReceiver();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-decision-" }));
  try {
    const [work, outside, tmp, base] = ["work", "outside", "tmp", "base"].map((name) =>
      `${root}/${name}`
    ) as [
      string,
      string,
      string,
      string,
    ];
    for (const dir of [work, outside, tmp, base]) await Deno.mkdir(dir);
    await Deno.writeTextFile(`${work}/app.py`, "print('app')\n");
    llm.enqueue(
      {
        kind: "message",
        toolCalls: [
          { id: "w1", name: "file_write", input: { path: "notes/today.txt", content: "secret-plan\n" } },
          { id: "b1", name: "bash", input: { command: "rm -f app.py" } },
          { id: "o1", name: "file_write", input: { path: `${outside}/escape.txt`, content: "x\n" } },
        ],
      },
      { kind: "message", text: "Done." },
    );
    const result = await runKodelet(
      ["run", "--no-save", "--allow", "file_write(notes/**)", "tidy up"],
      {
        cwd: work,
        env: {
          KODELET_BASE_PATH: base,
          TMPDIR: tmp,
          ANTHROPIC_API_KEY: "sk-ant-test-decision-0000000",
          ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        },
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      await Deno.readTextFile(`${work}/app.py`),
      "print('app')\n",
      "the refused command did not run",
    );

    const spans = new Map(
      receiver.spans.filter((span) => span.name.startsWith("execute_tool ")).map((span) => [
        String(span.attributes["gen_ai.tool.call.id"]),
        span,
      ]),
    );
    const events = receiver.logs.filter((record) => record.eventName === "kodelet.tool_decision");
    assert.equal(events.length, 3, JSON.stringify(events.map((record) => record.attributes)));
    const byCall = new Map(
      events.map((record) => [String(record.attributes["gen_ai.tool.call.id"]), record]),
    );

    for (const [callId, record] of byCall) {
      const span = spans.get(callId);
      assert.ok(span, `a span for ${callId}`);
      assert.equal(record.traceId, span.traceId, `${callId}: the trace of its execute_tool span`);
      assert.equal(record.spanId, span.spanId, `${callId}: in its execute_tool span`);
      assert.equal(record.attributes["event.name"], "kodelet.tool_decision");
      assert.equal(record.attributes["command.name"], "run");
      assert.equal(record.attributes["kodelet.permissions.mode"], "ask");
      // The event says what the span says.
      for (
        const key of [
          "kodelet.tool.decision",
          "kodelet.tool.decision.source",
          "kodelet.tool.decision.rule",
          "kodelet.tool.decision.limit",
        ]
      ) {
        assert.equal(record.attributes[key], span.attributes[key], `${callId}: ${key} as on the span`);
      }
    }

    const allowed = byCall.get("w1");
    assert.equal(allowed?.attributes["gen_ai.tool.name"], "file_write");
    assert.equal(allowed?.attributes["kodelet.tool.decision"], "allow");
    assert.equal(allowed?.attributes["kodelet.tool.decision.source"], "rule");
    assert.equal(allowed?.attributes["kodelet.tool.decision.rule"], "file_write(notes/**)");
    assert.equal(allowed?.severityText, "INFO");

    const refused = byCall.get("b1");
    assert.equal(refused?.attributes["gen_ai.tool.name"], "bash");
    assert.equal(refused?.attributes["kodelet.tool.decision"], "deny");
    assert.equal(refused?.attributes["kodelet.tool.decision.source"], "no_terminal");
    assert.equal(refused?.attributes["kodelet.tool.decision.rule"], undefined);
    assert.equal(refused?.severityText, "WARN");

    const limited = byCall.get("o1");
    assert.equal(limited?.attributes["kodelet.tool.decision"], "deny");
    assert.equal(limited?.attributes["kodelet.tool.decision.source"], "hard_limit");
    assert.equal(limited?.attributes["kodelet.tool.decision.limit"], "outside_workdir");

    // Neither the command, nor a path, nor file content in any log record.
    const logs = JSON.stringify(
      receiver.logs,
      (_key, value) => typeof value === "bigint" ? String(value) : value,
    );
    for (const text of ["rm -f", "app.py", "today.txt", "secret-plan", outside, "escape.txt"]) {
      assert.ok(!logs.includes(text), `"${text}" is in a log record`);
    }
  } finally {
    await llm.close();
    await receiver.close();
    await Deno.remove(root, { recursive: true });
  }
});
