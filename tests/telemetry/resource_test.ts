/** The resource every span carries: service, version, host and process facts, and the user's own attributes. */
import assert from "node:assert/strict";
import { resourceAttributes } from "../../lib/telemetry/resource.ts";
import { VERSION } from "../../lib/version.ts";
import { loadFromFiles } from "../config/_load.ts";

Deno.test("resourceAttributes names the service kodelet with the one version constant", async () => {
  const attributes = resourceAttributes((await loadFromFiles({})).tracing);
  assert.equal(attributes["service.name"], "kodelet");
  assert.equal(attributes["service.version"], VERSION);
});

Deno.test("resourceAttributes describes the host and the process", async () => {
  const attributes = resourceAttributes((await loadFromFiles({})).tracing);
  assert.equal(attributes["process.pid"], Deno.pid);
  assert.equal(attributes["os.type"], Deno.build.os);
  assert.equal(attributes["process.runtime.name"], "deno");
  assert.equal(typeof attributes["process.executable.name"], "string");
});

Deno.test("resourceAttributes merges OTEL_RESOURCE_ATTRIBUTES and lets OTEL_SERVICE_NAME win", async () => {
  const config = await loadFromFiles({
    env: {
      OTEL_SERVICE_NAME: "agent-ci",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=ci,service.name=x",
    },
  });
  const attributes = resourceAttributes(config.tracing);
  assert.equal(attributes["deployment.environment"], "ci");
  assert.equal(attributes["service.name"], "agent-ci");
});

Deno.test("resourceAttributes lets the user's attributes override detected facts", async () => {
  const config = await loadFromFiles({ env: { OTEL_RESOURCE_ATTRIBUTES: "host.name=build-box" } });
  assert.equal(resourceAttributes(config.tracing)["host.name"], "build-box");
});
