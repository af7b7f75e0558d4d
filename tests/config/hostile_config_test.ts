/**
 * Low-severity config faults from the hardening review: a huge config file is refused fast, a YAML
 * map of headers refuses control characters as the env form does, and a zero OTLP timeout is a
 * usage error.
 */
import assert from "node:assert/strict";
import { UsageError } from "../../lib/errors.ts";
import { loadFromFiles, rejectionMessage } from "./_load.ts";

Deno.test("a config file over 256 KiB is refused with one line, without parsing it", async () => {
  const yaml = Array.from({ length: 20_000 }, (_, i) => `key${i}: value${i}`).join("\n");
  const started = performance.now();
  const message = await rejectionMessage(() => loadFromFiles({ globalYaml: yaml }));
  assert.match(
    message,
    /^Invalid config file .*config\.yaml: \d+ characters; a config file may have at most 262144/,
  );
  assert.ok(performance.now() - started < 5000);
});

Deno.test("a config file of many keys parses in linear time (no quadratic duplicate check)", async () => {
  // 12 000 keys, ~220 KB: seconds with the yaml package's duplicate-key check, well under one without.
  const yaml = Array.from({ length: 12_000 }, (_, i) => `k${i}: ${i}`).join("\n");
  const started = performance.now();
  const config = await loadFromFiles({ globalYaml: yaml });
  const elapsed = performance.now() - started;
  assert.equal(config.warnings.length, 12_000);
  assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
});

Deno.test("tracing.headers from a YAML map refuses a control character in a value or a name", async () => {
  for (
    const yaml of [
      'tracing:\n  headers:\n    x-a: "one\\r\\nInjected: yes"\n',
      'tracing:\n  headers:\n    "x\\nb": v\n',
    ]
  ) {
    await assert.rejects(() => loadFromFiles({ globalYaml: yaml }), UsageError);
  }
});

Deno.test("OTEL_EXPORTER_OTLP_TIMEOUT=0 is a usage error naming the variable", async () => {
  const message = await rejectionMessage(() => loadFromFiles({ env: { OTEL_EXPORTER_OTLP_TIMEOUT: "0" } }));
  assert.match(
    message,
    /^Invalid tracing\.timeout "0" \(from OTEL_EXPORTER_OTLP_TIMEOUT\): must be at least 1 ms/,
  );
});
