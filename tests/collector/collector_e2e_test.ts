/**
 * Delivery to a real OpenTelemetry Collector configured like Grafana Cloud's OTLP gateway (path
 * prefix /otlp, Basic auth), with the environment variables exactly as a Grafana Cloud user sets
 * them. Runs under `deno task test:e2e` (KODELET_E2E_COLLECTOR=1), which .ci/run starts when Go is
 * installed; the collector is built once (scripts/otelcol/build.sh) and cached outside the repo.
 */
import assert from "node:assert/strict";
import {
  type CollectedSpan,
  collectorBinary,
  collectorUnavailableReason,
  startCollector,
} from "../../scripts/otelcol/collector.ts";
import { startLlmServer } from "../support/llm_server.ts";
import { linesOf, runKodelet, tempDir } from "../support/run_kodelet.ts";

const enabled = Deno.env.get("KODELET_E2E_COLLECTOR") === "1";
let binary: string | null = null;
let buildFailure: string | undefined;
if (enabled) {
  try {
    binary = await collectorBinary();
  } catch (error) {
    // Building needs the Go module proxy; a proxy outage is not a kodelet failure, but say it loudly.
    buildFailure = error instanceof Error ? error.message : String(error);
  }
}
if (!enabled) console.log("collector e2e: skipped (run `deno task test:e2e` to run it)");
else if (buildFailure) {
  console.log(`collector e2e: SKIPPED, the collector could not be built: ${buildFailure}`);
} else if (!binary) console.log(`collector e2e: skipped: ${collectorUnavailableReason()}`);

const USER = "1234567";
// A Grafana Cloud token looks like this: base64 with + and / in the Basic credential.
const PASSWORD = "glc_eyJvIjoiMTIzNCIsIm4iOiJrb2RlbGV0In0+/=";

type Json = Record<string, unknown>;

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value as Json[] : [];
}

/** The metrics in the collector's file, flattened: name, unit, kind, temporality, points. */
function collectedMetrics(requests: unknown[]) {
  return requests.flatMap((request) =>
    list((request as Json).resourceMetrics).flatMap((rm) =>
      list(rm.scopeMetrics).flatMap((sm) =>
        list(sm.metrics).map((metric) => {
          const kind = metric.histogram ? "histogram" : "sum";
          const data = (metric[kind] ?? {}) as Json;
          return {
            name: String(metric.name),
            unit: String(metric.unit ?? ""),
            kind,
            temporality: Number(data.aggregationTemporality ?? 0),
            points: list(data.dataPoints),
            resource: list((rm.resource as Json | undefined)?.attributes).map((kv) => String(kv.key)),
          };
        })
      )
    )
  );
}

/** The log records in the collector's file: event name, trace id, attribute keys and values. */
function collectedLogs(requests: unknown[]) {
  return requests.flatMap((request) =>
    list((request as Json).resourceLogs).flatMap((rl) =>
      list(rl.scopeLogs).flatMap((sl) =>
        list(sl.logRecords).map((record) => ({
          eventName: String(record.eventName ?? ""),
          traceId: String(record.traceId ?? "").toLowerCase(),
          spanId: String(record.spanId ?? "").toLowerCase(),
        }))
      )
    )
  );
}

function byName(spans: CollectedSpan[], name: string): CollectedSpan[] {
  return spans.filter((span) => span.name === name);
}

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test({
    name: `collector receives a traced no-op over ${protocol} with Grafana-style env vars`,
    ignore: !binary,
    async fn() {
      await using collector = await startCollector({ user: USER, password: PASSWORD });
      const result = await runKodelet(["version"], {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_EXPORTER_OTLP_HEADERS: collector.authHeader,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=e2e",
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, "", "no delivery warning");
      const [root] = await collector.waitForSpans(1);
      assert.ok(root);
      assert.equal(root.name, "cmd.version");
      assert.equal(root.parentSpanId, "");
      assert.equal(root.status.code, 1);
      assert.equal(root.attributes["command.name"], "version");
      assert.equal(Number(root.attributes["process.exit.code"]), 0);
      assert.equal(root.resource["service.name"], "kodelet");
      assert.equal(root.resource["deployment.environment"], "e2e");
      assert.equal(typeof root.resource["service.version"], "string");
    },
  });
}

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test({
    name: `collector receives a full run's span tree with tool calls over ${protocol}`,
    ignore: !binary,
    async fn() {
      await using collector = await startCollector({ user: USER, password: PASSWORD });
      const llm = await startLlmServer();
      await using work = await tempDir();
      try {
        llm.enqueue(
          {
            kind: "message",
            toolCalls: [
              { id: "toolu_a", name: "bash", input: { command: "echo a" } },
              { id: "toolu_b", name: "file_read", input: { path: "missing.txt" } },
            ],
            usage: { input: 30, output: 12, cacheRead: 5 },
          },
          { kind: "message", text: "finished", usage: { input: 50, output: 4 } },
        );
        const result = await runKodelet(["run", "--no-save", "--allow", "bash(echo a)", "look around"], {
          cwd: work.path,
          env: {
            ANTHROPIC_API_KEY: "sk-ant-e2e-0000000000",
            ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
            OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
            OTEL_EXPORTER_OTLP_HEADERS: collector.authHeader,
            OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          },
        });
        assert.equal(result.code, 0, result.stderr);
        const spans = await collector.waitForSpans(6);
        const root = byName(spans, "cmd.run")[0];
        const agent = byName(spans, "invoke_agent kodelet")[0];
        assert.ok(root && agent);
        assert.equal(agent.parentSpanId, root.spanId);
        const chats = byName(spans, "chat claude-sonnet-5-5");
        assert.equal(chats.length, 2);
        for (const chat of chats) {
          assert.equal(chat.parentSpanId, agent.spanId);
          assert.equal(chat.kind, 3);
          assert.equal(chat.attributes["gen_ai.provider.name"], "anthropic");
        }
        const bash = byName(spans, "execute_tool bash")[0];
        const read = byName(spans, "execute_tool file_read")[0];
        assert.ok(bash && read);
        assert.equal(bash.parentSpanId, agent.spanId);
        assert.equal(bash.status.code, 1);
        assert.equal(read.status.code, 2, "reading a missing file is a failed tool call");
        assert.equal(typeof read.attributes["error.type"], "string");
        assert.ok(spans.every((span) => span.traceId === root.traceId));

        // The metrics and logs pipelines: every metric of the run, delta, without a per-process id;
        // every event in the run's trace, inside one of its spans.
        let metrics: ReturnType<typeof collectedMetrics> = [];
        let logs: ReturnType<typeof collectedLogs> = [];
        for (let i = 0; i < 100; i++) {
          metrics = collectedMetrics(await collector.readRequests("metrics"));
          logs = collectedLogs(await collector.readRequests("logs"));
          if (metrics.length > 0 && logs.some((record) => record.eventName === "kodelet.tool_result")) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const names = new Set(metrics.map((metric) => metric.name));
        for (
          const name of [
            "gen_ai.client.token.usage",
            "gen_ai.client.operation.duration",
            "gen_ai.client.operation.time_to_first_chunk",
            "kodelet.cost.usage",
            "kodelet.token.usage",
            "kodelet.tool.calls",
            "kodelet.tool.duration",
            "kodelet.session.count",
          ]
        ) {
          assert.ok(names.has(name), `${name} reached the collector: ${[...names].join(", ")}`);
        }
        for (const metric of metrics) {
          assert.equal(metric.temporality, 1, `${metric.name} is delta`);
          assert.ok(!metric.resource.includes("process.pid"), "no per-process id on metrics");
        }
        assert.equal(metrics.find((metric) => metric.name === "kodelet.cost.usage")?.unit, "USD");
        const spanIds = new Set(spans.map((span) => span.spanId));
        const events = logs.filter((record) => record.eventName.startsWith("kodelet."));
        assert.deepEqual(
          [...new Set(events.map((record) => record.eventName))].sort(),
          ["kodelet.api_request", "kodelet.tool_decision", "kodelet.tool_result", "kodelet.user_prompt"],
        );
        for (const record of events) {
          assert.equal(record.traceId, root.traceId, `${record.eventName} in the run's trace`);
          assert.ok(spanIds.has(record.spanId), `${record.eventName} inside one of the run's spans`);
        }
      } finally {
        await llm.close();
      }
    },
  });
}

Deno.test({
  name: "collector refuses a wrong token: one delivery warning, nothing written",
  ignore: !binary,
  async fn() {
    await using collector = await startCollector({ user: USER, password: PASSWORD });
    const wrong = `Authorization=Basic%20${btoa(`${USER}:not-the-token`)}`;
    const result = await runKodelet(["version"], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_EXPORTER_OTLP_HEADERS: wrong },
    });
    assert.equal(result.code, 0);
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0] ?? "",
      /^kodelet: 1 span and 1 metric point could not be delivered to http:\/\/127\.0\.0\.1:\d+\/otlp \(HTTP 401\)/,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(await collector.readSpans(), []);
  },
});
