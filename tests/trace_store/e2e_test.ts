/**
 * End to end: kodelet (`deno run main.ts`) as a subprocess, with a clean environment and a temporary
 * base path shared by the runs of one test. A traced `version` is stored and read back with
 * `trace list` / `trace show`, exported with `trace export`; with the collector down its span goes to
 * the spool and the next run delivers it, exactly once, without ever exceeding the shutdown bound.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listBatches } from "../../lib/telemetry/spool.ts";
import { parseRequest } from "../../lib/trace_store/otlp_json.ts";
import { refusedEndpoint, startBlackHole, startOtlpReceiver } from "../support/otlp_receiver.ts";
import { linesOf, runKodelet, tempDir } from "../support/run_kodelet.ts";

/** The span ids waiting in a spool. */
async function spooledSpanIds(base: string): Promise<string[]> {
  const ids: string[] = [];
  for (const batch of await listBatches(join(base, "traces", "spool"))) {
    ids.push(...parseRequest(await Deno.readTextFile(batch.path)).map((span) => span.spanId));
  }
  return ids;
}

Deno.test("e2e: a traced run is stored, listed and shown as a waterfall and as OTLP/JSON", async () => {
  await using base = await tempDir("kodelet-e2e-store-");
  const env = { KODELET_BASE_PATH: base.path, KODELET_TRACING_ENABLED: "true" };
  const version = await runKodelet(["version"], { env });
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stderr, "");

  const list = await runKodelet(["trace", "list"], { env });
  assert.equal(list.code, 0, list.stderr);
  const rows = linesOf(list.stdout);
  assert.match(
    rows[0] ?? "",
    /^TRACE\s+STARTED\s+COMMAND\s+DURATION\s+STATUS\s+LLM\s+TOOLS\s+TOKENS\s+COST$/,
  );
  assert.equal(rows.length, 2, list.stdout);
  assert.match(rows[1] ?? "", /^[0-9a-f]{8} {2}.* {2}version .* ok /);

  // `trace list` itself was traced (tracing is on), yet "last" still means the version run.
  const show = await runKodelet(["trace", "show", "last"], { env });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^trace [0-9a-f]{32}\nversion · .* · ok · 1 span\n/);
  assert.match(show.stdout, /^cmd\.version +█+ +\S+ ok$/m);
  for (const line of linesOf(show.stdout)) assert.ok(Array.from(line).length <= 80, line);

  const json = await runKodelet(["trace", "show", "--json"], { env });
  assert.equal(json.code, 0, json.stderr);
  const spans = parseRequest(json.stdout);
  assert.deepEqual(spans.map((span) => span.name), ["cmd.version"]);
  assert.equal(spans[0]?.attributes["command.name"], "version");

  const all = await runKodelet(["trace", "list", "--all", "--json"], { env });
  const summaries = JSON.parse(all.stdout) as { command: string }[];
  assert.deepEqual(summaries.map((summary) => summary.command).sort(), [
    "trace list",
    "trace show",
    "trace show",
    "version",
  ]);
  const byId = await runKodelet(["trace", "show", spans[0]?.traceId.slice(0, 8) ?? ""], {
    env: { KODELET_BASE_PATH: base.path },
  });
  assert.match(byId.stdout, /cmd\.version/);
});

Deno.test("e2e: trace show without any stored trace says how to get one", async () => {
  await using base = await tempDir("kodelet-e2e-empty-");
  const show = await runKodelet(["trace", "show"], { env: { KODELET_BASE_PATH: base.path } });
  assert.equal(show.code, 1);
  assert.match(show.stderr, /^kodelet: No traces in .* yet\. .*KODELET_TRACING_ENABLED=true/);
  const list = await runKodelet(["trace", "list"], { env: { KODELET_BASE_PATH: base.path } });
  assert.equal(list.code, 0);
  assert.match(list.stdout, /No traces in/);
});

Deno.test("e2e: trace export sends a stored trace to an OTLP endpoint with the configured headers", async () => {
  await using base = await tempDir("kodelet-e2e-export-");
  const receiver = await startOtlpReceiver({
    pathPrefix: "/otlp",
    basicAuth: { user: "42", password: "secret-token" },
  });
  try {
    const stored = await runKodelet(["version"], {
      env: { KODELET_BASE_PATH: base.path, KODELET_TRACING_ENABLED: "true" },
    });
    assert.equal(stored.code, 0, stored.stderr);
    const exported = await runKodelet(["trace", "export", "last", "--endpoint", receiver.url], {
      env: {
        KODELET_BASE_PATH: base.path,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Basic%20${btoa("42:secret-token")}`,
      },
    });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(
      exported.stdout,
      /^Sent trace [0-9a-f]{32} \(1 span, http\/protobuf\) to http:\/\/127\.0\.0\.1:\d+\/otlp\/v1\/traces in \d+ ms\.\n$/,
    );
    const show = await runKodelet(["trace", "show", "--json"], { env: { KODELET_BASE_PATH: base.path } });
    const [span] = parseRequest(show.stdout);
    assert.equal(receiver.spans.length, 1);
    assert.equal(receiver.spans[0]?.spanId, span?.spanId);
    assert.equal(receiver.spans[0]?.traceId, span?.traceId);
    assert.equal(receiver.spans[0]?.startTimeUnixNano, span?.startNs);

    const refused = await runKodelet(["trace", "export", "last", "--endpoint", await refusedEndpoint()], {
      env: { KODELET_BASE_PATH: base.path },
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^kodelet: Could not send trace [0-9a-f]{32} to .*: connection refused/);

    // Credentials configured for one endpoint never travel to another host.
    const other = await startOtlpReceiver();
    try {
      const elsewhere = await runKodelet([
        "trace",
        "export",
        "last",
        "--endpoint",
        other.url.replace("127.0.0.1", "localhost"),
      ], {
        env: {
          KODELET_BASE_PATH: base.path,
          OTEL_SDK_DISABLED: "true",
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Basic%20${btoa("42:secret-token")}`,
        },
      });
      assert.equal(elsewhere.code, 0, elsewhere.stderr);
      assert.match(
        elsewhere.stderr,
        /^kodelet: not sending the configured OTLP headers to http:\/\/localhost:\d+/,
      );
      assert.equal(other.requests.length, 1);
      assert.equal(other.requests[0]?.headers.get("authorization"), null);
    } finally {
      await other.close();
    }
  } finally {
    await receiver.close();
  }
});

Deno.test("e2e: with the collector down a run spools its spans; the next run delivers both runs' spans once", async () => {
  await using base = await tempDir("kodelet-e2e-spool-");
  // "Down" is a 503: a spooled batch goes only to the endpoint it was meant for.
  const receiver = await startOtlpReceiver({ fault: "503" });
  const down = await runKodelet(["version"], {
    env: { KODELET_BASE_PATH: base.path, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
  });
  assert.equal(down.code, 0, "the command's own exit code is kept");
  const warnings = linesOf(down.stderr);
  assert.equal(warnings.length, 1, down.stderr);
  assert.match(
    warnings[0] ?? "",
    /^kodelet: 1 span and 1 metric point could not be delivered to http:\/\/127\.0\.0\.1:\d+ \(.+\); 2 kept in the spool for the next run$/,
  );
  const spooled = await spooledSpanIds(base.path);
  assert.equal(spooled.length, 1);

  receiver.setFault("none");
  receiver.clear();
  try {
    const up = await runKodelet(["version"], {
      env: { KODELET_BASE_PATH: base.path, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    assert.equal(up.code, 0);
    assert.equal(up.stderr, "");
    const received = await receiver.waitForSpans(2);
    const ids = received.map((span) => span.spanId);
    assert.equal(ids.length, 2, "the first run's span and the second run's own, nothing twice");
    assert.equal(new Set(ids).size, 2);
    assert.ok(ids.includes(spooled[0] ?? ""), "the spooled span arrived");
    assert.equal(new Set(received.map((span) => span.traceId)).size, 2, "one trace per run");
    assert.deepEqual(await spooledSpanIds(base.path), []);
    // The metric point of the first run came out of the spool too: two runs, two sessions counted.
    await receiver.waitFor(({ metrics }) =>
      metrics.filter((p) => p.name === "kodelet.session.count").length === 2
    );
    const sessions = receiver.metrics.filter((point) => point.name === "kodelet.session.count");
    assert.deepEqual(sessions.map((point) => point.value), [1, 1]);
    assert.equal(new Set(sessions.map((point) => point.startTimeUnixNano)).size, 2, "each run's own delta");
  } finally {
    await receiver.close();
  }
});

Deno.test("e2e: resending to an endpoint that never answers does not hold the exit past the shutdown bound", async () => {
  await using base = await tempDir("kodelet-e2e-bound-");
  const env = { KODELET_BASE_PATH: base.path };
  const baseline = await runKodelet(["version"], { env });
  const hole = await startBlackHole();
  try {
    const first = await runKodelet(["version"], { env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: hole.url } });
    assert.equal(first.code, 0);
    const waiting = await spooledSpanIds(base.path);
    assert.equal(waiting.length, 1);

    const stuck = await runKodelet(["version"], { env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: hole.url } });
    assert.equal(stuck.code, 0);
    // tracing.shutdown_timeout is 1 s; startup and the SDK's loading come on top of it.
    assert.ok(
      stuck.durationMs < baseline.durationMs + 1000 + 1500,
      `took ${stuck.durationMs} ms (baseline ${baseline.durationMs})`,
    );
    assert.equal(linesOf(stuck.stderr).length, 1, stuck.stderr);
    assert.ok(hole.connections >= 1, "the resend and the export were both attempted");
    const after = await spooledSpanIds(base.path);
    assert.ok(after.includes(waiting[0] ?? ""), "the old batch is still waiting");
    assert.equal(after.length, 2, "and this run's span joined it");
  } finally {
    await hole.close();
  }
});

Deno.test("e2e: tracing check exits 0 only when the test span was delivered", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const ok = await runKodelet(["tracing", "check"], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Delivered: the endpoint accepted a test span in \d+ ms \(HTTP 200\)\.$/m);
    const receivedNames = receiver.spans.map((span) => span.name);
    assert.ok(receivedNames.includes("kodelet tracing check"), receivedNames.join(", "));
  } finally {
    await receiver.close();
  }
  const refused = await runKodelet(["tracing", "check"], {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: await refusedEndpoint() },
  });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stdout,
    /^Not delivered: the connection to 127\.0\.0\.1:\d+ was refused; nothing listens there\.$/m,
  );
});
