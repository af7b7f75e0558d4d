/**
 * kodelet as a user runs it (a subprocess of `deno run main.ts`) against a real OTLP/HTTP receiver that
 * behaves like the Grafana Cloud gateway: what arrives, where, with which header and attributes.
 */
import assert from "node:assert/strict";
import type { OtlpReceiver, ReceivedSpan } from "../support/otlp_receiver.ts";
import { runKodelet } from "../support/run_kodelet.ts";
import { VERSION } from "../../lib/version.ts";
import { AUTHORIZATION, grafanaEnv, startGateway } from "./_grafana.ts";

async function withGateway(body: (gateway: OtlpReceiver) => Promise<void>): Promise<void> {
  const gateway = await startGateway();
  try {
    await body(gateway);
  } finally {
    await gateway.close();
  }
}

/** Runs `kodelet <args>` against the gateway and returns its one root span. */
async function rootSpanOf(gateway: OtlpReceiver, args: string[], env: Record<string, string> = {}) {
  const result = await runKodelet(args, { env: { ...grafanaEnv(gateway.url), ...env } });
  assert.equal(result.stderr, "", "nothing on stderr");
  assert.equal(result.code, 0);
  assert.equal(gateway.spans.length, 1, `spans: ${gateway.spans.map((span) => span.name).join(", ")}`);
  return { result, span: gateway.spans[0] as ReceivedSpan };
}

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test(`version with only the Grafana env vars delivers cmd.version to /otlp/v1/traces in ${protocol}`, async () => {
    await withGateway(async (gateway) => {
      const env: Record<string, string> = protocol === "http/json"
        ? { OTEL_EXPORTER_OTLP_PROTOCOL: protocol }
        : {};
      const { result, span } = await rootSpanOf(gateway, ["version"], env);
      assert.match(result.stdout, new RegExp(`^kodelet ${VERSION.replaceAll(".", "\\.")}\n`));
      assert.equal(span.name, "cmd.version");
      const traces = gateway.requests.filter((request) => request.path.endsWith("/v1/traces"));
      assert.equal(traces.length, 1);
      const request = traces[0];
      assert.equal(request?.method, "POST");
      assert.equal(request?.path, "/otlp/v1/traces");
      assert.equal(request?.status, 200);
      assert.equal(request?.protocol, protocol === "http/json" ? "json" : "protobuf");
      // The exact header: the %20 decoded to a space and the + of the base64 kept.
      assert.equal(request?.headers.get("authorization"), AUTHORIZATION);
    });
  });
}

Deno.test("the root span carries the CLI attributes, the exit code and the flag values", async () => {
  await withGateway(async (gateway) => {
    const { span } = await rootSpanOf(gateway, [
      "version",
      "--tracing-sampler",
      "always",
      "--log-level=error",
    ]);
    assert.equal(span.kind, 1, "SpanKind INTERNAL");
    assert.equal(span.parentSpanId, "");
    assert.equal(span.status.code, 1, "status OK");
    assert.equal(span.attributes["command.name"], "version");
    assert.equal(span.attributes["command.path"], "kodelet version");
    assert.equal(span.attributes["args.count"], 0);
    assert.equal(span.attributes["process.executable.name"], "deno");
    assert.equal(typeof span.attributes["process.pid"], "number");
    assert.equal(span.attributes["process.exit.code"], 0);
    assert.equal(span.attributes["command.flag.tracing-sampler"], "always");
    assert.equal(span.attributes["command.flag.log-level"], "error");
    assert.equal(span.resource["process.pid"], span.attributes["process.pid"]);
  });
});

Deno.test("the resource says service.name kodelet and service.version, with host and process facts", async () => {
  await withGateway(async (gateway) => {
    const { span } = await rootSpanOf(gateway, ["version"]);
    assert.equal(span.resource["service.name"], "kodelet");
    assert.equal(span.resource["service.version"], VERSION);
    assert.equal(span.resource["process.runtime.name"], "deno");
    assert.equal(typeof span.resource["host.name"], "string");
    assert.equal(span.scope.name, "kodelet");
  });
});

Deno.test("OTEL_SERVICE_NAME overrides service.name and OTEL_RESOURCE_ATTRIBUTES are merged", async () => {
  await withGateway(async (gateway) => {
    const { span } = await rootSpanOf(gateway, ["version"], {
      OTEL_SERVICE_NAME: "kodelet-ci",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=ci,team=dev%20tools,service.name=ignored",
    });
    assert.equal(span.resource["service.name"], "kodelet-ci");
    assert.equal(span.resource["deployment.environment"], "ci");
    assert.equal(span.resource["team"], "dev tools");
    assert.equal(span.resource["service.version"], VERSION);
  });
});

Deno.test("TRACEPARENT makes the root span a child of the caller's trace", async () => {
  await withGateway(async (gateway) => {
    const { span } = await rootSpanOf(gateway, ["version"], {
      TRACEPARENT: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      TRACESTATE: "vendor=abc",
    });
    assert.equal(span.traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(span.parentSpanId, "b7ad6b7169203331");
    assert.equal(span.traceState, "vendor=abc");
  });
});

Deno.test("a malformed TRACEPARENT is ignored: the root span starts a trace of its own", async () => {
  await withGateway(async (gateway) => {
    const { span } = await rootSpanOf(gateway, ["version"], { TRACEPARENT: "00-not-a-trace-01" });
    assert.match(span.traceId, /^[0-9a-f]{32}$/);
    assert.equal(span.parentSpanId, "");
  });
});

Deno.test("an endpoint with --tracing-enabled=false sends nothing", async () => {
  await withGateway(async (gateway) => {
    const result = await runKodelet(["version", "--tracing-enabled=false"], { env: grafanaEnv(gateway.url) });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, "");
    assert.equal(gateway.requests.length, 0);
  });
});

Deno.test("OTEL_SDK_DISABLED=true sends nothing even with --tracing-enabled", async () => {
  await withGateway(async (gateway) => {
    const result = await runKodelet(["version", "--tracing-enabled"], {
      env: { ...grafanaEnv(gateway.url), OTEL_SDK_DISABLED: "true" },
    });
    assert.equal(result.code, 0);
    assert.equal(gateway.requests.length, 0);
  });
});

Deno.test("the never sampler sends no span and prints no warning", async () => {
  await withGateway(async (gateway) => {
    const result = await runKodelet(["version", "--tracing-sampler", "never"], {
      env: grafanaEnv(gateway.url),
    });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, "");
    assert.equal(gateway.spans.length, 0);
  });
});

Deno.test("a wrong token is refused by the gateway and reported in one line", async () => {
  await withGateway(async (gateway) => {
    const result = await runKodelet(["version"], {
      env: {
        ...grafanaEnv(gateway.url),
        OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20d3Jvbmc6dG9rZW4=",
      },
    });
    assert.equal(result.code, 0);
    assert.ok(
      result.stderr.startsWith(
        `kodelet: 1 span and 1 metric point could not be delivered to ${gateway.url} (HTTP 401)`,
      ),
      result.stderr,
    );
    assert.equal(result.stderr.split("\n").length, 2, "one line");
  });
});
