/**
 * `tracing check` against each way an endpoint can fail, played by the test receiver on real sockets:
 * delivered, 401 (basic auth), 404 (a gateway path prefix), 500, connection refused, and a black hole
 * that accepts and never answers; plus DNS, and the sorting of TLS errors as Deno's fetch reports them.
 */
import assert from "node:assert/strict";
import { type Config, loadConfig } from "../../lib/config/mod.ts";
import { checkTracing, previewSecret } from "../../lib/cli/tracing_check_report.ts";
import { classifyNetworkError } from "../../lib/telemetry/network_error.ts";
import { refusedEndpoint, startBlackHole, startOtlpReceiver } from "../support/otlp_receiver.ts";

async function configFor(env: Record<string, string>): Promise<Config> {
  const base = "/nonexistent/kodelet-check";
  return await loadConfig({
    env: { KODELET_BASE_PATH: base, ...env },
    flags: {},
    cwd: base,
    home: base,
    readTextFile: () => Promise.resolve(undefined),
  });
}

function report(lines: string[]): string {
  return lines.join("\n");
}

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test(`tracing check: delivered, with the round-trip time and the test trace's id (${protocol})`, async () => {
    const receiver = await startOtlpReceiver();
    try {
      const result = await checkTracing(
        await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol }),
      );
      assert.equal(result.delivered, true, report(result.lines));
      assert.match(
        report(result.lines),
        /^Delivered: the endpoint accepted a test span in \d+ ms \(HTTP 200\)\.$/m,
      );
      assert.match(report(result.lines), new RegExp(`Look for trace ${result.traceId}`));
      assert.equal(receiver.spans.length, 1);
      assert.equal(receiver.spans[0]?.traceId, result.traceId);
      assert.equal(receiver.spans[0]?.name, "kodelet tracing check");
      assert.equal(receiver.spans[0]?.resource["service.name"], "kodelet");
    } finally {
      await receiver.close();
    }
  });
}

Deno.test("tracing check: 401 says to check the Authorization header, showing only its start", async () => {
  const receiver = await startOtlpReceiver({ basicAuth: { user: "123456", password: "glc_right" } });
  try {
    const wrong = btoa("123456:glc_wrongtokenvalue");
    const result = await checkTracing(
      await configFor({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Basic%20${wrong}`,
      }),
    );
    const text = report(result.lines);
    assert.equal(result.delivered, false);
    assert.deepEqual({
      kind: result.outcome.kind,
      status: result.outcome.kind === "http" ? result.outcome.status : 0,
    }, { kind: "http", status: 401 });
    assert.match(text, /refused the credentials \(HTTP 401 Unauthorized\)/);
    assert.match(
      text,
      new RegExp(
        `Check the Authorization header: kodelet sends Authorization: Basic ${
          wrong.slice(0, 4)
        }… \\(shortened\\)`,
      ),
    );
    assert.ok(!text.includes(wrong.slice(0, 8)), "never more than the first few characters");
    assert.match(text, /Grafana Cloud/);
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: 401 without any Authorization header says that none is sent", async () => {
  const receiver = await startOtlpReceiver({ basicAuth: { user: "u", password: "p" } });
  try {
    const result = await checkTracing(await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
    assert.equal(result.delivered, false);
    assert.match(report(result.lines), /No Authorization header is sent/);
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: 404 says to check the endpoint path, which ends in /otlp for Grafana Cloud", async () => {
  const receiver = await startOtlpReceiver({ pathPrefix: "/otlp" });
  try {
    const withoutPrefix = `http://127.0.0.1:${receiver.port}`;
    const result = await checkTracing(await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: withoutPrefix }));
    const text = report(result.lines);
    assert.equal(result.delivered, false);
    assert.match(text, /nothing answers at this path \(HTTP 404\)/);
    assert.match(text, new RegExp(`Check the endpoint path: kodelet sends to ${withoutPrefix}/v1/traces`));
    assert.match(text, /For Grafana Cloud the endpoint ends in \/otlp/);
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: a doubled /v1/traces in the path is pointed out", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const result = await checkTracing(await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.tracesUrl }));
    assert.equal(result.delivered, false);
    assert.match(report(result.lines), /The path has \/v1\/traces twice/);
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: 403 says to check the Authorization header too", async () => {
  const receiver = await startOtlpReceiver({ fault: "403" });
  try {
    const result = await checkTracing(
      await configFor({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20glc_forbiddentokenvalue`,
      }),
    );
    const text = report(result.lines);
    assert.equal(result.delivered, false);
    assert.equal(result.outcome.kind === "http" ? result.outcome.status : 0, 403);
    assert.match(text, /HTTP 403/);
    assert.match(
      text,
      /Check the Authorization header: kodelet sends Authorization: Bearer glc_… \(shortened\)/,
    );
    assert.ok(!text.includes("glc_forbidden"));
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: https to a plain-http endpoint is reported as a TLS failure", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const result = await checkTracing(
      await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace("http://", "https://") }),
    );
    assert.equal(result.delivered, false);
    assert.equal(result.outcome.kind, "tls", report(result.lines));
    assert.equal(receiver.spans.length, 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: 500 says the endpoint is reachable but failed", async () => {
  const receiver = await startOtlpReceiver({ fault: "500" });
  try {
    const result = await checkTracing(await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
    assert.equal(result.delivered, false);
    assert.match(report(result.lines), /server error \(HTTP 500\)\. It said: injected fault 500/);
    assert.match(report(result.lines), /check the collector's logs/);
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: 429 says the endpoint is rate-limiting and when to retry", async () => {
  const receiver = await startOtlpReceiver({ fault: "429", retryAfterSeconds: 7 });
  try {
    const result = await checkTracing(await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
    assert.equal(result.delivered, false);
    assert.match(report(result.lines), /rate-limiting \(HTTP 429\) \(it asks to retry after 7s\)/);
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing check: connection refused says nothing listens there", async () => {
  const endpoint = await refusedEndpoint();
  const result = await checkTracing(await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }));
  assert.equal(result.delivered, false);
  assert.equal(result.outcome.kind, "refused");
  assert.match(
    report(result.lines),
    new RegExp(`connection to ${new URL(endpoint).host} was refused; nothing listens there`),
  );
});

Deno.test("tracing check: an endpoint that never answers is a timeout within OTEL_EXPORTER_OTLP_TIMEOUT", async () => {
  const hole = await startBlackHole();
  try {
    const started = performance.now();
    const result = await checkTracing(
      await configFor({ OTEL_EXPORTER_OTLP_ENDPOINT: hole.url, OTEL_EXPORTER_OTLP_TIMEOUT: "300" }),
    );
    const elapsed = performance.now() - started;
    assert.equal(result.delivered, false);
    assert.equal(result.outcome.kind, "timeout");
    assert.match(report(result.lines), /no answer within 0\.3s \(OTEL_EXPORTER_OTLP_TIMEOUT\)/);
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    assert.equal(hole.connections, 1);
  } finally {
    await hole.close();
  }
});

Deno.test("tracing check: a host that does not resolve is a DNS failure", async () => {
  // .invalid is reserved: it never resolves anywhere.
  const result = await checkTracing(
    await configFor({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.kodelet.invalid:4318",
      OTEL_EXPORTER_OTLP_TIMEOUT: "5000",
    }),
  );
  assert.equal(result.delivered, false);
  assert.equal(result.outcome.kind, "dns");
  assert.match(report(result.lines), /host name collector\.kodelet\.invalid could not be resolved \(DNS\)/);
});

Deno.test("fetch failures are sorted by what Deno reports in their cause", () => {
  const failure = (inner: string) => new TypeError("fetch failed", { cause: new Error(inner) });
  const url = "error sending request for url (https://127.0.0.1:4318/v1/traces): client error (Connect): ";
  assert.equal(classifyNetworkError(failure(url + "invalid peer certificate: UnknownIssuer")).kind, "tls");
  assert.equal(
    classifyNetworkError(failure(url + "tcp connect error: Connection refused (os error 111)")).kind,
    "refused",
  );
  assert.equal(
    classifyNetworkError(failure(url + "dns error: failed to lookup address information")).kind,
    "dns",
  );
  assert.equal(
    classifyNetworkError(new DOMException("The operation was aborted due to timeout", "TimeoutError")).kind,
    "timeout",
  );
  assert.equal(
    classifyNetworkError(failure(url + "invalid peer certificate: UnknownIssuer")).message,
    "invalid peer certificate: UnknownIssuer",
  );
});

Deno.test("previewSecret keeps the scheme and at most four characters of the secret", () => {
  assert.equal(previewSecret("Basic MTIzNDU2OmdsY19hYmNkZWZnaA=="), "Basic MTIz…");
  assert.equal(previewSecret("Bearer abcdefghijklmnop"), "Bearer abcd…");
  assert.equal(previewSecret("short"), "s…");
});
