/**
 * Credentials given in the environment, in OTLP headers and on the command line never appear in any
 * byte the collector receives nor in any line kodelet prints; the Authorization header itself is of
 * course sent, as a header.
 */
import assert from "node:assert/strict";
import { runKodelet, type RunResult } from "../support/run_kodelet.ts";
import { AUTHORIZATION, CREDENTIAL, PASSWORD, startGateway } from "./_grafana.ts";

const ENV_SECRETS = {
  ANTHROPIC_API_KEY: "sk-ant-api03-e2eSecretValue0123456789",
  OPENAI_API_KEY: "sk-proj-e2eSecretValue0123456789abcd",
  // No known credential shape: only knowing the value lets the redactor catch it.
  SOME_TOKEN: "plain-e2e-token-9f8e7d",
};
const HEADER_SECRET = "hdr-secret-5a4b3c2d";
const HEADERS = `Authorization=Basic%20${CREDENTIAL},X-Api-Key=${HEADER_SECRET}`;
const ALL_SECRETS = [...Object.values(ENV_SECRETS), HEADER_SECRET, CREDENTIAL, PASSWORD];

function assertNoSecret(where: string, text: string): void {
  for (const secret of ALL_SECRETS) {
    assert.ok(!text.includes(secret), `${where} contains ${secret}:\n${text}`);
  }
}

function assertPrintsNoSecret(result: RunResult): void {
  assertNoSecret("stdout", result.stdout);
  assertNoSecret("stderr", result.stderr);
}

Deno.test("no secret reaches the collector's bytes or the console exporter's lines", async () => {
  const gateway = await startGateway();
  try {
    const result = await runKodelet(["version", "--verbose"], {
      env: {
        ...ENV_SECRETS,
        OTEL_EXPORTER_OTLP_ENDPOINT: gateway.url,
        OTEL_EXPORTER_OTLP_HEADERS: HEADERS,
        OTEL_TRACES_EXPORTER: "otlp,console",
      },
    });
    assert.equal(result.code, 0);
    assert.match(result.stderr, /^\[span\] cmd\.version /m, "the console exporter printed the span");
    assert.equal(gateway.spans.length, 1, "the collector got the span");
    assert.equal(gateway.requests[0]?.headers.get("authorization"), AUTHORIZATION);
    assert.equal(gateway.requests[0]?.headers.get("x-api-key"), HEADER_SECRET);
    assertPrintsNoSecret(result);
    for (const body of gateway.rawBodies) assertNoSecret("an OTLP body", new TextDecoder().decode(body));
  } finally {
    await gateway.close();
  }
});

Deno.test("a credential typed as a flag value is not echoed in the error line", async () => {
  const result = await runKodelet(["version", `--tracing-sampler=${ENV_SECRETS.SOME_TOKEN}`], {
    env: ENV_SECRETS,
  });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    'kodelet: Invalid tracing.sampler "[REDACTED]" (from --tracing-sampler): must be one of always, never, ratio\n',
  );
  assertPrintsNoSecret(result);
});

Deno.test("a credential typed as an argument is not echoed in the error line", async () => {
  const result = await runKodelet(["version", ENV_SECRETS.SOME_TOKEN], { env: ENV_SECRETS });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^kodelet: Unexpected argument "\[REDACTED\]"/);
  assertPrintsNoSecret(result);
});

Deno.test("a malformed header list is reported without its credential", async () => {
  const result = await runKodelet(["version"], {
    env: { ...ENV_SECRETS, OTEL_EXPORTER_OTLP_HEADERS: `${HEADERS},broken` },
  });
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^kodelet: Invalid tracing\.headers "Authorization=\*\*\*,X-Api-Key=\*\*\*,broken"/,
  );
  assertPrintsNoSecret(result);
});
