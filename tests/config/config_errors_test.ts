/** A bad value stops loadConfig with one UsageError line naming the key, the value and its source. */
import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import { loadFromFiles, rejectionMessage } from "./_load.ts";

Deno.test("loadConfig names the env var a bad value came from", async () => {
  const message = await rejectionMessage(() => loadFromFiles({ env: { KODELET_TRACING_RATIO: "1.5" } }));
  assert.equal(
    message,
    'Invalid tracing.ratio "1.5" (from KODELET_TRACING_RATIO): must be a number between 0 and 1',
  );
});

Deno.test("loadConfig names the flag a bad value came from", async () => {
  const message = await rejectionMessage(() => loadFromFiles({ flags: { "tracing-ratio": "lots" } }));
  assert.equal(
    message,
    'Invalid tracing.ratio "lots" (from --tracing-ratio): must be a number between 0 and 1',
  );
});

Deno.test("loadConfig names the file a bad value came from", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ localYaml: "tracing:\n  sampler: sometimes\n" })
  );
  assert.match(
    message,
    /^Invalid tracing\.sampler "sometimes" \(from \/.*\/kodelet-config\.yaml\): must be one of always, never, ratio$/,
  );
});

Deno.test("loadConfig refuses an endpoint that is not a URL", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" } })
  );
  assert.match(message, /^Invalid tracing\.endpoint "localhost:4318" \(from OTEL_EXPORTER_OTLP_ENDPOINT\): /);
});

Deno.test("loadConfig throws UsageError, which main.ts prints as one line with exit code 2", async () => {
  try {
    await loadFromFiles({ env: { KODELET_TRACING_SAMPLER: "bogus" } });
    assert.fail("expected a UsageError");
  } catch (error) {
    assert.ok(error instanceof UsageError);
    assert.equal(error.exitCode, 2);
    assert.doesNotMatch(error.message, /\n/);
  }
});

Deno.test("loadConfig reports a YAML file that does not parse with its path, on one line", async () => {
  const message = await rejectionMessage(() => loadFromFiles({ globalYaml: "tracing:\n  enabled: [true\n" }));
  assert.match(message, /^Invalid YAML in \/.*\/\.kodelet\/config\.yaml: .+ at line 3, column 1$/);
});

Deno.test("loadConfig refuses a YAML file whose top level is not a map", async () => {
  const message = await rejectionMessage(() => loadFromFiles({ localYaml: "- a\n- b\n" }));
  assert.match(message, /kodelet-config\.yaml: the top level must be a map of keys/);
});

Deno.test("loadConfig refuses a list where a key takes one value", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ localYaml: "tracing:\n  ratio: [0.1, 0.2]\n" })
  );
  assert.match(message, /^Invalid tracing\.ratio "\[0\.1,0\.2\]" \(from .*\): must be a single value/);
});

Deno.test("loadConfig names a malformed OTEL_EXPORTER_OTLP_HEADERS without echoing the header values", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ env: { OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20c2VjcmV0LXZhbHVl,broken" } })
  );
  assert.match(
    message,
    /^Invalid tracing\.headers "Authorization=\*\*\*,broken" \(from OTEL_EXPORTER_OTLP_HEADERS\)/,
  );
  assert.doesNotMatch(message, /c2VjcmV0LXZhbHVl/);
});

Deno.test("loadConfig names a header whose percent-encoding is broken", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ env: { OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%2" } })
  );
  assert.match(
    message,
    /\(from OTEL_EXPORTER_OTLP_HEADERS\): has a value for "Authorization" that is not valid/,
  );
  assert.doesNotMatch(message, /Basic/);
});

Deno.test("loadConfig refuses a certificate file that cannot be read", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ env: { OTEL_EXPORTER_OTLP_CERTIFICATE: "missing-ca.pem" } })
  );
  assert.match(
    message,
    /^Invalid tracing\.certificate "missing-ca\.pem" \(from OTEL_EXPORTER_OTLP_CERTIFICATE\): cannot read the file/,
  );
});
