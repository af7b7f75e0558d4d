/**
 * The spool against a real OTLP receiver on a loopback socket: batches kept while the receiver is
 * down arrive exactly once when it is up (compared by span id), in both encodings; two resenders at
 * once never send a batch twice; the size cap drops and counts; failures keep the batch.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { type Config, loadConfig } from "../../lib/config/mod.ts";
import type { Logger } from "../../lib/log.ts";
import { flushSpool, type TracingDeps } from "../../lib/telemetry/mod.ts";
import { tracingDeps } from "../../lib/telemetry/tracing_deps.ts";
import { isRetryable } from "../../lib/telemetry/otlp_send.ts";
import { endpointTag, listBatches, spoolBatch, spoolStatus } from "../../lib/telemetry/spool.ts";
import { refusedEndpoint, startOtlpReceiver } from "../support/otlp_receiver.ts";
import { makeTrace, spanKeys } from "../trace_store/_spans.ts";

const IO = (_line: string) => {};

/** A logger that remembers its lines. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return {
    lines,
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

async function configFor(base: string, env: Record<string, string>): Promise<Config> {
  // In-process resend is the wait mode's; the background mode hands the spool to another process.
  return await loadConfig({
    env: { KODELET_BASE_PATH: base, KODELET_TRACING_DELIVERY: "wait", ...env },
    flags: {},
    cwd: base,
    home: base,
  });
}

function depsFor(
  config: Config,
  log: Logger = recordingLogger(),
): Required<Pick<TracingDeps, "spool" | "resendSpool">> {
  const deps = tracingDeps(config, IO, log);
  assert.ok(deps.spool && deps.resendSpool, "an otlp run has both a spool and a resend");
  return { spool: deps.spool, resendSpool: deps.resendSpool };
}

async function withBase(fn: (base: string) => Promise<void>): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "kodelet-spool-" });
  try {
    await fn(base);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test(`spool: spans kept while the receiver is down arrive exactly once when it is up (${protocol})`, async () => {
    await withBase(async (base) => {
      // "Down" is a 503: the batches are meant for this endpoint, and only it may get them.
      const receiver = await startOtlpReceiver({ fault: "503" });
      const down = depsFor(
        await configFor(base, {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        }),
      );
      const runs: ReadableSpan[][] = [
        makeTrace(3),
        makeTrace(1),
        makeTrace(5, { "gen_ai.usage.input_tokens": 12 }),
      ];
      for (const spans of runs) assert.equal(await down.spool(spans), spans.length);
      // A run while the receiver is still down sends nothing and loses nothing.
      await down.resendSpool();
      const spoolDir = join(base, "traces", "spool");
      assert.equal((await listBatches(spoolDir)).length, 3);

      receiver.clear();
      receiver.setFault("none");
      try {
        const log = recordingLogger();
        const up = depsFor(
          await configFor(base, {
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          }),
          log,
        );
        await up.resendSpool();
        await up.resendSpool();
        const received = receiver.spans.map((span) => `${span.traceId}/${span.spanId}`);
        assert.deepEqual([...received].sort(), runs.flatMap(spanKeys).sort(), "every span, and each once");
        assert.equal(new Set(received).size, received.length);
        assert.deepEqual(
          receiver.requests.map((request) => request.protocol),
          protocol === "http/json" ? ["json", "json", "json"] : ["protobuf", "protobuf", "protobuf"],
        );
        // Oldest first: the batches were spooled in run order.
        assert.deepEqual(
          receiver.spans.map((span) => span.traceId),
          runs.flatMap((spans) => spans.map((span) => span.spanContext().traceId)),
        );
        assert.equal(
          receiver.spans.find((span) => span.attributes["gen_ai.usage.input_tokens"] !== undefined)
            ?.attributes["gen_ai.usage.input_tokens"],
          12,
        );
        // The spans survive the trip through the spool unchanged.
        const original = new Map(runs.flat().map((span) => [span.spanContext().spanId, span]));
        for (const span of receiver.spans) {
          const sent = original.get(span.spanId);
          assert.ok(sent);
          assert.equal(span.name, sent.name);
          assert.equal(
            span.startTimeUnixNano,
            BigInt(sent.startTime[0]) * 1_000_000_000n + BigInt(sent.startTime[1]),
          );
          assert.equal(span.status.code, sent.status.code);
          assert.equal(span.resource["service.name"], "kodelet-test");
          assert.equal(span.scope.name, "kodelet-test");
        }
        assert.equal((await listBatches(spoolDir)).length, 0);
        assert.ok(log.lines.some((line) => line.startsWith("info Sent 9 spans")), log.lines.join("\n"));
      } finally {
        await receiver.close();
      }
    });
  });
}

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test(`spool: secretlint's rules scan spooled spans before they are sent (${protocol})`, async () => {
    await withBase(async (base) => {
      const receiver = await startOtlpReceiver();
      try {
        const deps = depsFor(
          await configFor(base, {
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          }),
        );
        // A credential only the rules know: the spool's redactor (see setup.ts) lets it through.
        const secret = "AbCdEfGhIjKlMnOpQrStUvWx";
        const spans = makeTrace(2, {
          "error.message": `posting with xoxb-123456789012-1234567890123-${secret} failed`,
        });
        assert.equal(await deps.spool(spans), 2);
        await deps.resendSpool();
        assert.deepEqual(receiver.spans.map((span) => span.attributes["error.message"]), [
          "posting with [REDACTED] failed",
          "posting with [REDACTED] failed",
        ]);
        const sent = receiver.rawBodies.map((body) => new TextDecoder().decode(body)).join("\n");
        assert.ok(!sent.includes(secret), "the credential left the machine");
      } finally {
        await receiver.close();
      }
    });
  });
}

Deno.test("spool: resenders running at once (each with its own file handles, like separate processes) never send a batch twice", async () => {
  await withBase(async (base) => {
    const receiver = await startOtlpReceiver();
    const down = depsFor(await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
    const runs = Array.from({ length: 20 }, () => makeTrace(2));
    for (const spans of runs) await down.spool(spans);
    try {
      const config = await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      await Promise.all([
        depsFor(config).resendSpool(),
        depsFor(config).resendSpool(),
        depsFor(config).resendSpool(),
      ]);
      const received = receiver.spans.map((span) => `${span.traceId}/${span.spanId}`);
      assert.equal(received.length, 40);
      assert.deepEqual([...received].sort(), runs.flatMap(spanKeys).sort());
    } finally {
      await receiver.close();
    }
  });
});

Deno.test("spool: a sender sends what a command spooled while it held the lock, not only the next run", async () => {
  await withBase(async (base) => {
    const later = makeTrace(3);
    let spoolLater: (() => Promise<void>) | undefined;
    // While the first batch is on the wire, a traced command spools its spans; it finds the sender's
    // lock taken and starts no sender of its own.
    const receiver = await startOtlpReceiver({
      beforeAnswer: async () => {
        const spool = spoolLater;
        spoolLater = undefined;
        await spool?.();
      },
    });
    try {
      const config = await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      const { spool } = depsFor(config);
      const first = makeTrace(2);
      assert.equal(await spool(first), 2);
      spoolLater = async () => void assert.equal(await spool(later), 3);
      const flushed = await flushSpool(config, recordingLogger());
      assert.deepEqual(flushed, { kind: "sent", sentSpans: 5, rejectedSpans: 0, remainingBatches: 0 });
      assert.equal(spoolLater, undefined, "the second batch was spooled during the first send");
      assert.deepEqual(
        receiver.spans.map((span) => `${span.traceId}/${span.spanId}`).sort(),
        spanKeys([...first, ...later]).sort(),
      );
      assert.deepEqual(await listBatches(join(base, "traces", "spool")), []);
    } finally {
      await receiver.close();
    }
  });
});

Deno.test("spool: a batch the receiver fails with 500 stays for the next run", async () => {
  await withBase(async (base) => {
    const receiver = await startOtlpReceiver({ fault: "500" });
    try {
      const deps = depsFor(await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
      const spans = makeTrace(2);
      await deps.spool(spans);
      await deps.resendSpool();
      assert.equal(receiver.spans.length, 0);
      assert.equal((await listBatches(join(base, "traces", "spool"))).length, 1);
      receiver.setFault("none");
      await deps.resendSpool();
      assert.deepEqual(
        receiver.spans.map((span) => `${span.traceId}/${span.spanId}`).sort(),
        spanKeys(spans).sort(),
      );
    } finally {
      await receiver.close();
    }
  });
});

Deno.test("spool: past its size cap a batch is dropped, counted and reported", async () => {
  await withBase(async (base) => {
    const log = recordingLogger();
    const config = await configFor(base, {
      OTEL_EXPORTER_OTLP_ENDPOINT: await refusedEndpoint(),
      KODELET_TRACING_SPOOL_MAX_BYTES: "3000",
    });
    const deps = depsFor(config, log);
    assert.equal(await deps.spool(makeTrace(2)), 2);
    assert.equal(await deps.spool(makeTrace(4, { filler: "z".repeat(2000) })), 0, "does not fit: dropped");
    assert.equal(await deps.spool(makeTrace(1)), 1, "a small one still fits");
    const status = await spoolStatus(join(base, "traces", "spool"));
    assert.equal(status.batches, 2);
    assert.equal(status.spans, 3);
    assert.equal(status.droppedSpans, 4);
    assert.ok(status.bytes <= 3000);
    assert.ok(
      log.lines.some((line) => /^warn The trace spool is full .*dropped 4 undelivered spans/.test(line)),
      log.lines.join("\n"),
    );
  });
});

Deno.test("spool: a damaged batch is dropped and counted instead of blocking the queue", async () => {
  await withBase(async (base) => {
    const receiver = await startOtlpReceiver();
    try {
      const deps = depsFor(await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
      const spoolDir = join(base, "traces", "spool");
      await Deno.mkdir(spoolDir, { recursive: true });
      await Deno.writeTextFile(
        join(
          spoolDir,
          `20000101T000000000Z-1-000001-abcdef-7-e${await endpointTag(`${receiver.url}/v1/traces`)}.json`,
        ),
        "{not json",
      );
      const spans = makeTrace(2);
      await deps.spool(spans);
      await deps.resendSpool();
      assert.deepEqual(
        receiver.spans.map((span) => `${span.traceId}/${span.spanId}`).sort(),
        spanKeys(spans).sort(),
      );
      const status = await spoolStatus(spoolDir);
      assert.equal(status.batches, 0);
      assert.equal(status.droppedSpans, 7);
    } finally {
      await receiver.close();
    }
  });
});

Deno.test("spool: a batch goes only to the endpoint it was meant for, never to the next one configured", async () => {
  await withBase(async (base) => {
    const first = await startOtlpReceiver({ fault: "503" });
    const second = await startOtlpReceiver();
    try {
      const spans = makeTrace(2);
      const forFirst = depsFor(await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: first.url }));
      await forFirst.spool(spans);
      // A later run configured for another endpoint (another origin, or another path) sends nothing.
      await depsFor(await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: second.url })).resendSpool();
      await depsFor(
        await configFor(base, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${first.url}/other/v1/traces` }),
      ).resendSpool();
      assert.equal(second.requests.length, 0, "spans spooled for one endpoint went to another");
      assert.equal(first.requests.length, 0);
      assert.equal((await listBatches(join(base, "traces", "spool"))).length, 1);
      // Its own endpoint gets it once it is up.
      first.setFault("none");
      await forFirst.resendSpool();
      assert.deepEqual(
        first.spans.map((span) => `${span.traceId}/${span.spanId}`).sort(),
        spanKeys(spans).sort(),
      );
    } finally {
      await first.close();
      await second.close();
    }
  });
});

Deno.test("spool: a batch of an older version (no endpoint tag) is never sent anywhere", async () => {
  await withBase(async (base) => {
    const receiver = await startOtlpReceiver();
    try {
      const deps = depsFor(await configFor(base, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
      await deps.spool(makeTrace(1));
      const spoolDir = join(base, "traces", "spool");
      const [batch] = await listBatches(spoolDir);
      assert.ok(batch);
      await Deno.rename(batch.path, batch.path.replace(/-e[0-9a-f]{16}\.json$/, ".json"));
      await deps.resendSpool();
      assert.equal(receiver.requests.length, 0);
    } finally {
      await receiver.close();
    }
  });
});

Deno.test("spool: only a run that exports to OTLP resends", async () => {
  await withBase(async (base) => {
    const config = await configFor(base, { KODELET_TRACING_ENABLED: "true" });
    assert.deepEqual(config.tracing.exporters, ["file"]);
    assert.equal(tracingDeps(config, IO, recordingLogger()).resendSpool, undefined);
  });
});

Deno.test("isRetryable keeps configuration problems and outages, drops what the endpoint refuses for good", () => {
  const http = (status: number) => ({
    kind: "http" as const,
    status,
    ms: 1,
    message: "",
    retryAfter: undefined,
  });
  assert.deepEqual([400, 401, 403, 404, 413, 429, 500, 503].map((status) => isRetryable(http(status))), [
    false,
    true,
    true,
    true,
    false,
    true,
    true,
    true,
  ]);
  assert.equal(isRetryable({ kind: "refused", ms: 1, message: "" }), true);
});

Deno.test("spool: dropped.log stays bounded and tracing check reports only the last day's drops", async () => {
  await withBase(async (base) => {
    const spoolDir = join(base, "spool");
    await Deno.mkdir(spoolDir, { recursive: true });
    const now = new Date("2026-06-01T12:00:00Z");
    const old = JSON.stringify({ time: "2026-05-28T12:00:00.000Z", spans: 1000, reason: "spool full" }) +
      "\n";
    await Deno.writeTextFile(join(spoolDir, "dropped.log"), old.repeat(2000));
    const body = new TextEncoder().encode("{}");
    const result = await spoolBatch(spoolDir, body, 3, 1, "http://127.0.0.1:4318/v1/traces", now);
    assert.equal(result.dropped, 3);
    assert.ok((await Deno.stat(join(spoolDir, "dropped.log"))).size <= 64 * 1024);
    assert.equal((await spoolStatus(spoolDir, now)).droppedSpans, 3);
  });
});
