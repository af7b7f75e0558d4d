/** The standard OpenTelemetry variables, read the way the specification defines them. */
import assert from "node:assert/strict";
import { loadFromFiles, rejectionMessage } from "./_load.ts";

Deno.test("OTEL_TRACES_SAMPLER names map onto always, never and ratio", async () => {
  const expected: Record<string, string> = {
    always_on: "always",
    parentbased_always_on: "always",
    always_off: "never",
    parentbased_always_off: "never",
    traceidratio: "ratio",
    parentbased_traceidratio: "ratio",
    PARENTBASED_TRACEIDRATIO: "ratio",
  };
  for (const [name, sampler] of Object.entries(expected)) {
    const config = await loadFromFiles({ env: { OTEL_TRACES_SAMPLER: name } });
    assert.equal(config.tracing.sampler, sampler, name);
  }
});

Deno.test("OTEL_TRACES_SAMPLER_ARG sets the ratio", async () => {
  const config = await loadFromFiles({
    env: { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" },
  });
  assert.equal(config.tracing.ratio, 0.25);
});

Deno.test("OTEL_TRACES_SAMPLER refuses a sampler kodelet does not offer", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ env: { OTEL_TRACES_SAMPLER: "jaeger_remote" } })
  );
  assert.match(
    message,
    /^Invalid tracing\.sampler "jaeger_remote" \(from OTEL_TRACES_SAMPLER\): must be one of /,
  );
});

Deno.test("OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces appended, without a double slash", async () => {
  const config = await loadFromFiles({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/otlp/" } });
  assert.equal(config.tracing.otlp.tracesUrl, "http://127.0.0.1:4318/otlp/v1/traces");
});

Deno.test("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as it is and wins over the generic one", async () => {
  const config = await loadFromFiles({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://generic:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/custom/path",
    },
  });
  assert.equal(config.tracing.otlp.tracesUrl, "http://traces:4318/custom/path");
});

Deno.test("OTEL_EXPORTER_OTLP_HEADERS are percent-decoded into the OTLP headers", async () => {
  const config = await loadFromFiles({
    env: { OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20MTIzOnMzY3IzdD4+Pw==,X-Scope-OrgID=a%2Cb" },
  });
  assert.deepEqual(config.tracing.otlp.headers, {
    Authorization: "Basic MTIzOnMzY3IzdD4+Pw==",
    "X-Scope-OrgID": "a,b",
  });
});

Deno.test("OTEL_EXPORTER_OTLP_TRACES_HEADERS wins over OTEL_EXPORTER_OTLP_HEADERS", async () => {
  const config = await loadFromFiles({
    env: { OTEL_EXPORTER_OTLP_HEADERS: "a=generic", OTEL_EXPORTER_OTLP_TRACES_HEADERS: "a=traces" },
  });
  assert.deepEqual(config.tracing.otlp.headers, { a: "traces" });
});

Deno.test("OTEL_EXPORTER_OTLP_PROTOCOL selects http/json; http/protobuf is the default", async () => {
  assert.equal((await loadFromFiles({})).tracing.otlp.protocol, "http/protobuf");
  const json = await loadFromFiles({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" } });
  assert.equal(json.tracing.otlp.protocol, "http/json");
  const message = await rejectionMessage(() =>
    loadFromFiles({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" } })
  );
  assert.match(message, /Invalid tracing\.protocol "grpc" \(from OTEL_EXPORTER_OTLP_PROTOCOL\)/);
});

Deno.test("OTEL_EXPORTER_OTLP_TIMEOUT is milliseconds and OTEL_EXPORTER_OTLP_COMPRESSION is read", async () => {
  const config = await loadFromFiles({
    env: { OTEL_EXPORTER_OTLP_TIMEOUT: "2500", OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" },
  });
  assert.equal(config.tracing.otlp.timeoutMs, 2500);
  assert.equal(config.tracing.otlp.compression, "gzip");
});

Deno.test("OTEL_TRACES_EXPORTER chooses the exporters", async () => {
  const config = await loadFromFiles({ env: { OTEL_TRACES_EXPORTER: "console,otlp" } });
  assert.deepEqual(config.tracing.exporters, ["console", "otlp"]);
});

Deno.test("OTEL_BSP_* set the batch processor", async () => {
  const config = await loadFromFiles({
    env: {
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BSP_EXPORT_TIMEOUT: "3000",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "10",
    },
  });
  assert.deepEqual(config.tracing.batch, {
    scheduleDelayMs: 200,
    exportTimeoutMs: 3000,
    maxQueueSize: 100,
    maxExportBatchSize: 10,
  });
});

Deno.test("OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES", async () => {
  const config = await loadFromFiles({
    env: { OTEL_SERVICE_NAME: "my-agent", OTEL_RESOURCE_ATTRIBUTES: "service.name=other,team=a%20b" },
  });
  assert.equal(config.tracing.serviceName, "my-agent");
  assert.deepEqual(config.tracing.resourceAttributes, { "service.name": "other", team: "a b" });
});

Deno.test("service.name comes from OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is not set", async () => {
  const config = await loadFromFiles({ env: { OTEL_RESOURCE_ATTRIBUTES: "service.name=other" } });
  assert.equal(config.tracing.serviceName, "other");
  assert.equal((await loadFromFiles({})).tracing.serviceName, "kodelet");
});

Deno.test("TRACEPARENT and TRACESTATE are kept as the parent trace", async () => {
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  const config = await loadFromFiles({ env: { TRACEPARENT: traceparent, TRACESTATE: "vendor=1" } });
  assert.deepEqual(config.tracing.parent, { traceparent, tracestate: "vendor=1" });
});
