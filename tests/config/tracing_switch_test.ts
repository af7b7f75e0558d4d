/** When tracing is on: off by default, on with an OTLP endpoint, and OTEL_SDK_DISABLED above all. */
import assert from "node:assert/strict";
import { loadFromFiles } from "./_load.ts";

const ENDPOINT = "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp";

Deno.test("tracing is off by default and exports to the local store", async () => {
  const config = await loadFromFiles({});
  assert.equal(config.tracing.enabled, false);
  assert.equal(config.tracing.endpointConfigured, false);
  assert.deepEqual(config.tracing.exporters, ["file"]);
});

Deno.test("--tracing-enabled turns tracing on", async () => {
  const config = await loadFromFiles({ flags: { "tracing-enabled": true } });
  assert.equal(config.tracing.enabled, true);
});

Deno.test("OTEL_EXPORTER_OTLP_ENDPOINT alone turns tracing on and selects the otlp exporter", async () => {
  const config = await loadFromFiles({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT } });
  assert.equal(config.tracing.enabled, true);
  assert.deepEqual(config.tracing.exporters, ["otlp"]);
  assert.equal(config.tracing.otlp.tracesUrl, `${ENDPOINT}/v1/traces`);
});

Deno.test("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone turns tracing on", async () => {
  const config = await loadFromFiles({
    env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/v1/traces` },
  });
  assert.equal(config.tracing.enabled, true);
});

Deno.test("an endpoint in a config file turns tracing on too", async () => {
  const config = await loadFromFiles({ globalYaml: `tracing:\n  endpoint: ${ENDPOINT}\n` });
  assert.equal(config.tracing.enabled, true);
  assert.equal(config.tracing.otlp.tracesUrl, `${ENDPOINT}/v1/traces`);
});

Deno.test("an endpoint does not turn tracing on when it is explicitly disabled", async () => {
  for (
    const fixture of [
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, KODELET_TRACING_ENABLED: "false" } },
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, flags: { "tracing-enabled": false } },
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, localYaml: "tracing:\n  enabled: false\n" },
    ]
  ) {
    const config = await loadFromFiles(fixture);
    assert.equal(config.tracing.enabled, false, JSON.stringify(fixture));
  }
});

Deno.test("OTEL_SDK_DISABLED=true wins over --tracing-enabled, the env and an endpoint", async () => {
  const config = await loadFromFiles({
    env: {
      OTEL_SDK_DISABLED: "TRUE",
      KODELET_TRACING_ENABLED: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
    },
    flags: { "tracing-enabled": true },
  });
  assert.equal(config.tracing.enabled, false);
});

Deno.test("OTEL_SDK_DISABLED other than true leaves tracing alone, as the spec says", async () => {
  const config = await loadFromFiles({
    env: { OTEL_SDK_DISABLED: "false" },
    flags: { "tracing-enabled": true },
  });
  assert.equal(config.tracing.enabled, true);
});
