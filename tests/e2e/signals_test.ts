/**
 * Metrics and log events end to end: `kodelet run` with tool calls and a retry, as a subprocess,
 * against the Grafana-like gateway (the receiver with /otlp and Basic auth) and the scripted LLM
 * server, with only the two Grafana Cloud variables set. Every metric is read back with its unit,
 * kind, temporality, buckets and attributes; every event with its trace id; over both encodings.
 */
import assert from "node:assert/strict";
import { startLlmServer } from "../support/llm_server.ts";
import type { OtlpReceiver, ReceivedLogRecord, ReceivedMetricPoint } from "../support/otlp_receiver.ts";
import { linesOf, runKodelet } from "../support/run_kodelet.ts";
import { startBlackHole } from "../support/otlp_receiver.ts";
import { AUTHORIZATION, CREDENTIAL, grafanaEnv, startGateway } from "./_grafana.ts";

const SECRET_KEY = "sk-ant-test-SECRET-9c8b7a6d5e4f";
const PROMPT = "please edit notes.txt carefully";

const TOKEN_BUCKETS = [
  1,
  4,
  16,
  64,
  256,
  1024,
  4096,
  16384,
  65536,
  262144,
  1048576,
  4194304,
  16777216,
  67108864,
];
const DURATION_BUCKETS = [
  0.01,
  0.02,
  0.04,
  0.08,
  0.16,
  0.32,
  0.64,
  1.28,
  2.56,
  5.12,
  10.24,
  20.48,
  40.96,
  81.92,
];

function points(gateway: OtlpReceiver, name: string): ReceivedMetricPoint[] {
  return gateway.metrics.filter((point) => point.name === name);
}

function one(gateway: OtlpReceiver, name: string, match: Record<string, unknown> = {}): ReceivedMetricPoint {
  const found = points(gateway, name).filter((point) =>
    Object.entries(match).every(([key, value]) => point.attributes[key] === value)
  );
  assert.equal(
    found.length,
    1,
    `one ${name} point with ${JSON.stringify(match)}: ${JSON.stringify(found.map((p) => p.attributes))}`,
  );
  return found[0] as ReceivedMetricPoint;
}

function events(gateway: OtlpReceiver, name: string): ReceivedLogRecord[] {
  return gateway.logs.filter((record) => record.eventName === name);
}

/** One run that exercises everything: a retry, a file_write, a file_edit, a failing file_read. */
async function scriptedRun(
  protocol: "http/protobuf" | "http/json",
  extraEnv: Record<string, string> = {},
  endpoint?: string,
) {
  const gateway = await startGateway();
  const llm = await startLlmServer();
  const base = await Deno.makeTempDir({ prefix: "kodelet-base-" });
  const work = await Deno.makeTempDir({ prefix: "kodelet-work-" });
  await Deno.writeTextFile(`${work}/notes.txt`, "alpha\nbeta\ngamma\n");
  llm.enqueue(
    { kind: "error", status: 429, retryAfterMs: 10 },
    {
      kind: "message",
      text: "Working.",
      toolCalls: [
        { id: "t1", name: "file_read", input: { path: "notes.txt" } },
        { id: "t2", name: "file_write", input: { path: "new.txt", content: "one\ntwo\nthree\n" } },
        { id: "t3", name: "bash", input: { command: "echo hidden-output" } },
        { id: "t5", name: "file_read", input: { path: "missing.txt" } },
      ],
      usage: { input: 100, output: 20, cacheRead: 50, cacheCreation: 30 },
    },
    {
      kind: "message",
      text: "Editing.",
      toolCalls: [{
        id: "t4",
        name: "file_edit",
        input: { path: "notes.txt", old_string: "beta\n", new_string: "BETA\nbeta2\n" },
      }],
      usage: { input: 200, output: 10 },
    },
    { kind: "message", text: "Done.", usage: { input: 300, output: 5 } },
  );
  const result = await runKodelet(["run", "--no-save", "--yolo", PROMPT], {
    cwd: work,
    env: {
      ...grafanaEnv(endpoint ?? gateway.url),
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_RESOURCE_ATTRIBUTES: "team=platform,repository=kodelet",
      KODELET_BASE_PATH: base,
      ANTHROPIC_API_KEY: SECRET_KEY,
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      KODELET_LOG_LEVEL: "info",
      ...extraEnv,
    },
  });
  return {
    gateway,
    result,
    base,
    async [Symbol.asyncDispose]() {
      await llm.close();
      await gateway.close();
      await Deno.remove(base, { recursive: true });
      await Deno.remove(work, { recursive: true });
    },
  };
}

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test(`a run delivers every metric with its unit, kind, buckets and attributes over ${protocol}`, async () => {
    await using run = await scriptedRun(protocol);
    const { gateway, result } = run;
    assert.equal(result.code, 0, result.stderr);
    const metricRequests = gateway.requests.filter((request) => request.path === "/otlp/v1/metrics");
    assert.ok(metricRequests.length >= 1, "metrics went to /otlp/v1/metrics");
    for (const request of metricRequests) {
      assert.equal(request.headers.get("authorization"), AUTHORIZATION);
      assert.equal(request.protocol, protocol === "http/json" ? "json" : "protobuf");
    }

    // No per-process id on metric data; the team and repository labels are there.
    for (const point of gateway.metrics) {
      assert.equal(point.resource["process.pid"], undefined);
      assert.equal(point.resource["service.instance.id"], undefined);
      assert.equal(point.resource.team, "platform");
      assert.equal(point.resource.repository, "kodelet");
      assert.equal(point.temporality, 1, `${point.name} is delta`);
      for (const key of Object.keys(point.attributes)) {
        assert.ok(!/session|conversation|trace|user/.test(key), `${point.name} carries ${key}`);
      }
    }

    const chat = { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic" };
    const input = one(gateway, "gen_ai.client.token.usage", { ...chat, "gen_ai.token.type": "input" });
    assert.equal(input.unit, "{token}");
    assert.equal(input.kind, "histogram");
    assert.deepEqual(input.explicitBounds, TOKEN_BUCKETS);
    assert.equal(input.count, 3);
    assert.equal(input.sum, 100 + 50 + 30 + 200 + 300);
    assert.equal(input.attributes["gen_ai.request.model"], "claude-sonnet-5-5");
    const output = one(gateway, "gen_ai.client.token.usage", { "gen_ai.token.type": "output" });
    assert.equal(output.sum, 35);

    const duration = one(gateway, "gen_ai.client.operation.duration", chat);
    assert.equal(duration.unit, "s");
    assert.deepEqual(duration.explicitBounds, DURATION_BUCKETS);
    assert.equal(duration.count, 3);
    const firstChunk = one(gateway, "gen_ai.client.operation.time_to_first_chunk");
    assert.equal(firstChunk.unit, "s");
    assert.equal(firstChunk.kind, "histogram");
    assert.equal(firstChunk.count, 3);

    const cost = one(gateway, "kodelet.cost.usage");
    assert.equal(cost.unit, "USD");
    assert.equal(cost.kind, "sum");
    assert.equal(cost.monotonic, true);
    assert.ok(cost.value > 0);
    assert.deepEqual(cost.attributes, { model: "claude-sonnet-5-5", provider: "anthropic" });

    const tokens = (type: string) => one(gateway, "kodelet.token.usage", { type }).value;
    assert.deepEqual([tokens("input"), tokens("output"), tokens("cache_read"), tokens("cache_write")], [
      600,
      35,
      50,
      30,
    ]);
    assert.equal(one(gateway, "kodelet.token.usage", { type: "input" }).unit, "{token}");

    const calls = (tool: string, outcome: string) =>
      one(gateway, "kodelet.tool.calls", { "gen_ai.tool.name": tool, outcome }).value;
    assert.equal(calls("file_read", "ok"), 1);
    assert.equal(calls("file_write", "ok"), 1);
    assert.equal(calls("bash", "ok"), 1);
    assert.equal(calls("file_read", "error"), 1);
    assert.equal(calls("file_edit", "ok"), 1);
    const toolDuration = one(gateway, "kodelet.tool.duration", { "gen_ai.tool.name": "bash" });
    assert.equal(toolDuration.unit, "s");
    assert.deepEqual(toolDuration.explicitBounds, DURATION_BUCKETS);

    // file_write: 3 new lines; file_edit: beta -> BETA, beta2 (2 added, 1 removed).
    assert.equal(one(gateway, "kodelet.lines_of_code.count", { type: "added" }).value, 5);
    assert.equal(one(gateway, "kodelet.lines_of_code.count", { type: "removed" }).value, 1);
    assert.equal(one(gateway, "kodelet.session.count", { command: "run" }).value, 1);
    const retries = one(gateway, "kodelet.llm.retries", { "error.type": "429" });
    assert.equal(retries.value, 1);
  });

  Deno.test(`a run's log events carry the trace and span ids of where they happened over ${protocol}`, async () => {
    await using run = await scriptedRun(protocol);
    const { gateway, result } = run;
    assert.equal(result.code, 0, result.stderr);
    const traceIds = new Set(gateway.spans.map((span) => span.traceId));
    assert.equal(traceIds.size, 1);
    const [traceId] = [...traceIds];
    const spanNames = new Map(gateway.spans.map((span) => [span.spanId, span.name]));
    for (const request of gateway.requests.filter((request) => request.path === "/otlp/v1/logs")) {
      assert.equal(request.headers.get("authorization"), AUTHORIZATION);
    }

    const prompt = events(gateway, "kodelet.user_prompt");
    assert.equal(prompt.length, 1);
    assert.equal(prompt[0]?.attributes["prompt.length"], PROMPT.length);
    assert.equal(prompt[0]?.attributes.prompt, undefined, "no prompt text without content capture");
    assert.equal(prompt[0]?.traceId, traceId);

    const requests = events(gateway, "kodelet.api_request");
    assert.equal(requests.length, 3);
    for (const record of requests) {
      assert.equal(record.traceId, traceId);
      assert.match(spanNames.get(record.spanId) ?? "", /^chat /, "emitted inside the chat span");
      assert.equal(record.attributes["gen_ai.request.model"], "claude-sonnet-5-5");
      assert.equal(typeof record.attributes.duration_ms, "number");
      assert.equal(typeof record.attributes["kodelet.cost.usd"], "number");
    }
    assert.equal(requests[0]?.attributes.attempt, 2, "the first request succeeded on its second attempt");
    assert.equal(requests[0]?.attributes["gen_ai.usage.input_tokens"], 180);

    const errors = events(gateway, "kodelet.api_error");
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.attributes["http.response.status_code"], 429);
    assert.equal(errors[0]?.attributes["error.type"], "429");
    assert.equal(errors[0]?.attributes.will_retry, true);
    assert.equal(errors[0]?.attributes.attempt, 1);
    assert.equal(errors[0]?.traceId, traceId);

    const tools = events(gateway, "kodelet.tool_result");
    assert.deepEqual(tools.map((record) => record.attributes["gen_ai.tool.name"]).sort(), [
      "bash",
      "file_edit",
      "file_read",
      "file_read",
      "file_write",
    ]);
    for (const record of tools) {
      assert.equal(record.traceId, traceId);
      assert.match(spanNames.get(record.spanId) ?? "", /^execute_tool /);
      assert.equal(typeof record.attributes["kodelet.output.bytes"], "number");
    }
    const failed = tools.filter((record) => record.attributes.outcome === "error");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.attributes["gen_ai.tool.name"], "file_read");
    assert.equal(failed[0]?.attributes["error.type"], "not_found");

    // kodelet's own log lines (--log-level info) arrive as records with their severity.
    // A retry is logged at info (the terminal shows it as a status line, not as a warning).
    const retry = gateway.logs.find((record) => record.body === "retrying llm request");
    assert.ok(retry, "the retry is a log record");
    assert.equal(retry.severityNumber, 9);
    assert.equal(retry.severityText, "INFO");
    assert.equal(retry.traceId, traceId);
  });
}

Deno.test("no signal carries the prompt, file content, a command or a credential", async () => {
  await using run = await scriptedRun("http/json");
  const { gateway, result } = run;
  assert.equal(result.code, 0, result.stderr);
  const bodies = gateway.rawBodies.map((body) => new TextDecoder().decode(body)).join("\n");
  for (const secret of [SECRET_KEY, CREDENTIAL, PROMPT, "alpha", "BETA", "hidden-output", "echo "]) {
    assert.ok(!bodies.includes(secret), `"${secret}" leaked into a signal`);
  }
});

Deno.test("background delivery: metric points and log records arrive after the run has exited, once", async () => {
  // Its own HOME, kept until the sender is done (the default test HOME is gone when the run returns).
  const home = await Deno.makeTempDir({ prefix: "kodelet-home-" });
  try {
    await using run = await scriptedRun("http/protobuf", {
      HOME: home,
      KODELET_BASE_PATH: `${home}/.kodelet`,
      KODELET_TRACING_DELIVERY: "background",
    });
    const { gateway, result } = run;
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /could not be delivered|spool/, "nothing to say: all is on its way");
    await gateway.waitFor(
      ({ metrics, logs }) =>
        metrics.some((point) => point.name === "kodelet.session.count") &&
        logs.filter((record) => record.eventName === "kodelet.tool_result").length === 5,
      15_000,
    );
    await gateway.waitForSpans(1, 15_000);
    // The sender is done when its lock is gone: then nothing may have arrived twice.
    const lock = `${home}/.kodelet/traces/spool/sender.lock`;
    for (let i = 0; i < 200 && (await Deno.stat(lock).then(() => true, () => false)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(one(gateway, "kodelet.session.count").value, 1);
    assert.equal(events(gateway, "kodelet.api_request").length, 3);
    assert.equal(events(gateway, "kodelet.tool_result").length, 5);
    const traceId = gateway.spans[0]?.traceId;
    assert.ok(events(gateway, "kodelet.api_request").every((record) => record.traceId === traceId));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("kodelet usage shows the same totals locally as the metrics the endpoint received", async () => {
  await using run = await scriptedRun("http/protobuf");
  const { gateway, result, base } = run;
  assert.equal(result.code, 0, result.stderr);
  const report = await runKodelet(["usage", "--since", "1h", "--json"], { env: { KODELET_BASE_PATH: base } });
  assert.equal(report.code, 0, report.stderr);
  const [row, ...more] = (JSON.parse(report.stdout) as { rows: Record<string, number>[] }).rows;
  assert.equal(more.length, 0);
  assert.ok(row);
  const counter = (name: string, match: Record<string, unknown> = {}) => one(gateway, name, match).value;
  assert.equal(row.llmCalls, one(gateway, "gen_ai.client.operation.duration").count);
  assert.equal(row.inputTokens, counter("kodelet.token.usage", { type: "input" }));
  assert.equal(row.outputTokens, counter("kodelet.token.usage", { type: "output" }));
  assert.equal(row.cacheReadTokens, counter("kodelet.token.usage", { type: "cache_read" }));
  assert.equal(row.cacheWriteTokens, counter("kodelet.token.usage", { type: "cache_write" }));
  assert.ok(Math.abs((row.costUsd ?? 0) - counter("kodelet.cost.usage")) < 1e-6, `${row.costUsd}`);
  const toolCalls = points(gateway, "kodelet.tool.calls");
  assert.equal(row.toolCalls, toolCalls.reduce((sum, point) => sum + point.value, 0));
  assert.equal(
    row.toolFailures,
    toolCalls.filter((point) => point.attributes.outcome !== "ok").reduce(
      (sum, point) => sum + point.value,
      0,
    ),
  );
  assert.equal(row.linesAdded, counter("kodelet.lines_of_code.count", { type: "added" }));
  assert.equal(row.linesRemoved, counter("kodelet.lines_of_code.count", { type: "removed" }));
  assert.equal(row.llmErrors, 0, "the retried 429 is not a failed call");
});

Deno.test("a hung collector: bounded exit for all three signals, one line naming them, exit code kept", async () => {
  const hole = await startBlackHole();
  try {
    await using run = await scriptedRun("http/protobuf", { KODELET_LOG_LEVEL: "error" }, hole.url);
    const { result } = run;
    assert.equal(result.code, 0);
    const warnings = linesOf(result.stderr).filter((line) => /could not be delivered/.test(line));
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(
      warnings[0] ?? "",
      /^kodelet: \d+ spans, \d+ metric points and \d+ log records could not be delivered to http:\/\/127\.0\.0\.1:\d+ \(gave up after 1s\); \d+ kept in the spool for the next run$/,
    );
    // The scripted LLM run itself takes well under a second; the bound adds 1 s; loading adds the rest.
    assert.ok(result.durationMs < 8000, `took ${result.durationMs.toFixed(0)} ms`);
  } finally {
    await hole.close();
  }
});

Deno.test("log records and metric points that could not be delivered are resent by the next run, once", async () => {
  const home = await Deno.makeTempDir({ prefix: "kodelet-home-" });
  try {
    // The gateway answers 503 first: everything of the first run goes to the spool, tagged for it.
    const gateway = await startGateway({ fault: "503", retryAfterSeconds: 30 });
    const llm = await startLlmServer();
    try {
      llm.enqueue({ kind: "message", text: "ok", usage: { input: 10, output: 2 } });
      const env = {
        ...grafanaEnv(gateway.url),
        KODELET_BASE_PATH: `${home}/.kodelet`,
        ANTHROPIC_API_KEY: SECRET_KEY,
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      };
      const first = await runKodelet(["run", "--no-save", "hi"], { env });
      assert.equal(first.code, 0);
      assert.match(first.stderr, /metric points and \d+ log records? could not be delivered/);
      assert.equal(gateway.logs.length + gateway.metrics.length, 0);

      gateway.setFault("none");
      const second = await runKodelet(["version"], { env });
      assert.equal(second.code, 0, second.stderr);
      await gateway.waitFor(({ logs, metrics }) =>
        logs.some((record) => record.eventName === "kodelet.api_request") &&
        metrics.filter((point) => point.name === "kodelet.session.count").length === 2
      );
      // The first run's events, once each, with the first run's trace id; and both runs' sessions.
      assert.equal(events(gateway, "kodelet.api_request").length, 1);
      assert.equal(events(gateway, "kodelet.user_prompt").length, 1);
      const commands = points(gateway, "kodelet.session.count").map((point) => point.attributes.command)
        .sort();
      assert.deepEqual(commands, ["run", "version"]);
      const third = await runKodelet(["version"], { env });
      assert.equal(third.code, 0);
      assert.equal(events(gateway, "kodelet.api_request").length, 1, "nothing sent twice");
    } finally {
      await llm.close();
      await gateway.close();
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
