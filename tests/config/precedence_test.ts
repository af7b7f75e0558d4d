/** flags > environment > ./kodelet-config.yaml > <base_path>/config.yaml > defaults, with real files. */
import assert from "node:assert/strict";
import { loadFromFiles } from "./_load.ts";

const GLOBAL = "tracing:\n  sampler: never\n  ratio: 0.1\nlog:\n  level: error\n";
const LOCAL = "tracing:\n  sampler: ratio\n  ratio: 0.2\n";

Deno.test("loadConfig uses the defaults when nothing is configured", async () => {
  const config = await loadFromFiles({});
  assert.equal(config.tracing.enabled, false);
  assert.equal(config.tracing.sampler, "always");
  assert.equal(config.tracing.ratio, 1);
  assert.equal(config.tracing.shutdownTimeoutMs, 1000);
  assert.equal(config.tracing.otlp.protocol, "http/protobuf");
  assert.equal(config.log.level, "warn");
});

Deno.test("loadConfig reads <base_path>/config.yaml over the defaults", async () => {
  const config = await loadFromFiles({ globalYaml: GLOBAL });
  assert.equal(config.tracing.sampler, "never");
  assert.equal(config.tracing.ratio, 0.1);
  assert.equal(config.log.level, "error");
});

Deno.test("loadConfig lets ./kodelet-config.yaml win over config.yaml, key by key", async () => {
  const config = await loadFromFiles({ globalYaml: GLOBAL, localYaml: LOCAL });
  assert.equal(config.tracing.sampler, "ratio");
  assert.equal(config.tracing.ratio, 0.2);
  // Not in the local file: still from the global one.
  assert.equal(config.log.level, "error");
});

Deno.test("loadConfig lets the environment win over both files", async () => {
  const config = await loadFromFiles({
    globalYaml: GLOBAL,
    localYaml: LOCAL,
    env: { KODELET_TRACING_RATIO: "0.3" },
  });
  assert.equal(config.tracing.ratio, 0.3);
  assert.equal(config.tracing.sampler, "ratio");
});

Deno.test("loadConfig lets a flag win over the environment and the files", async () => {
  const config = await loadFromFiles({
    globalYaml: GLOBAL,
    localYaml: LOCAL,
    env: { KODELET_TRACING_RATIO: "0.3", KODELET_TRACING_SAMPLER: "never" },
    flags: { "tracing-ratio": "0.4" },
  });
  assert.equal(config.tracing.ratio, 0.4);
  assert.equal(config.tracing.sampler, "never");
});

Deno.test("loadConfig prefers KODELET_* over the matching OTEL_* variable", async () => {
  const config = await loadFromFiles({
    env: { KODELET_TRACING_SAMPLER: "never", OTEL_TRACES_SAMPLER: "always_on" },
  });
  assert.equal(config.tracing.sampler, "never");
});

Deno.test("loadConfig ignores an empty environment variable and falls back to the files", async () => {
  const config = await loadFromFiles({ globalYaml: GLOBAL, env: { KODELET_TRACING_RATIO: "  " } });
  assert.equal(config.tracing.ratio, 0.1);
});

Deno.test("loadConfig reads config.yaml from KODELET_BASE_PATH instead of ~/.kodelet", async () => {
  const base = await Deno.makeTempDir({ prefix: "kodelet-base-" });
  try {
    await Deno.writeTextFile(`${base}/config.yaml`, "tracing:\n  ratio: 0.7\n");
    const config = await loadFromFiles({ globalYaml: GLOBAL, env: { KODELET_BASE_PATH: base } });
    assert.equal(config.tracing.ratio, 0.7);
    assert.equal(config.basePath, base);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("loadConfig accepts dotted keys written flat in YAML", async () => {
  const config = await loadFromFiles({ localYaml: "tracing.sampler: never\n" });
  assert.equal(config.tracing.sampler, "never");
});

Deno.test("loadConfig warns about unknown keys in a file instead of failing", async () => {
  const config = await loadFromFiles({ localYaml: "tracing:\n  samplr: never\n" });
  assert.equal(config.tracing.sampler, "always");
  assert.equal(config.warnings.length, 1);
  assert.match(config.warnings[0] ?? "", /Unknown key "tracing\.samplr" in .*kodelet-config\.yaml/);
});
