/**
 * Exporting never blocks the user: whether the collector is down, black-holed, failing or throttling,
 * kodelet exits within tracing.shutdown_timeout of the command's end, keeps the command's exit code,
 * and says once, on one line, how many spans and metric points could not be delivered and to where.
 */
import assert from "node:assert/strict";
import { refusedEndpoint, startBlackHole } from "../support/otlp_receiver.ts";
import { linesOf, runKodelet, type RunResult } from "../support/run_kodelet.ts";
import { grafanaEnv, startGateway } from "./_grafana.ts";

// Generous: a loaded CI machine may be slow to load the SDK; what must not happen is the SDK's own
// 8-10 s of retries.
const SLACK_MS = 1500;

/** A tracing-off run of the same command: Deno's start-up plus the command, on this machine, now. */
async function baseline(): Promise<RunResult> {
  const result = await runKodelet(["version"]);
  assert.equal(result.code, 0);
  return result;
}

/** Runs `kodelet version` exporting to `endpoint` and checks the bound, the exit code and the one line. */
async function assertBoundedExit(
  endpoint: string,
  env: Record<string, string> = {},
  boundMs = 1000,
  slackMs = SLACK_MS,
) {
  const reference = await baseline();
  const result = await runKodelet(["version"], { env: { ...grafanaEnv(endpoint), ...env } });
  assert.equal(result.code, 0, "the command's own exit code");
  assert.match(result.stdout, /^kodelet /);
  const lines = linesOf(result.stderr);
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${result.stderr}`);
  // The span and the run's one metric point (kodelet.session.count) went to the same endpoint: one
  // clause naming its base. The spool (when it could keep them for the next run) adds a clause.
  const destination = endpoint.replace(/\/$/, "");
  const match = new RegExp(
    `^kodelet: 1 span and 1 metric point could not be delivered to ${destination.replaceAll(".", "\\.")} ` +
      `\\((.+?)\\)(?:; [12] kept in the spool for the next run)?$`,
  ).exec(lines[0] ?? "");
  assert.ok(match, `not the delivery line: ${lines[0]}`);
  const limit = reference.durationMs + boundMs + slackMs;
  assert.ok(
    result.durationMs < limit,
    `took ${result.durationMs.toFixed(0)} ms; tracing off took ${reference.durationMs.toFixed(0)} ms, limit ${
      limit.toFixed(0)
    } ms`,
  );
  return { result, reason: match[1] ?? "" };
}

Deno.test("collector down (connection refused): bounded exit, exit code kept, one line", async () => {
  // The exporter retries a refused connection, so the bound is what ends the wait.
  const { reason } = await assertBoundedExit(await refusedEndpoint());
  assert.match(reason, /^(gave up after 1s|connection refused)$/);
});

Deno.test("collector black-holed (accepts, never answers): bounded exit, exit code kept, one line", async () => {
  const hole = await startBlackHole();
  try {
    const { reason } = await assertBoundedExit(hole.url);
    assert.equal(reason, "gave up after 1s");
    assert.ok(hole.connections >= 1, "the exporter did reach the black hole");
  } finally {
    await hole.close();
  }
});

Deno.test("collector answering 500: bounded exit, exit code kept, one line naming HTTP 500", async () => {
  const gateway = await startGateway({ fault: "500" });
  try {
    const { reason } = await assertBoundedExit(gateway.url);
    assert.equal(reason, "HTTP 500");
    assert.ok(gateway.requests.length >= 1);
  } finally {
    await gateway.close();
  }
});

Deno.test("collector answering 429 with a long Retry-After: bounded exit, exit code kept, one line", async () => {
  const gateway = await startGateway({ fault: "429", retryAfterSeconds: 30 });
  try {
    const { reason } = await assertBoundedExit(gateway.url);
    assert.equal(reason, "the collector is busy or unavailable (HTTP 429, 502, 503 or 504)");
    assert.ok(gateway.requests.some((request) => request.status === 429));
  } finally {
    await gateway.close();
  }
});

Deno.test("collector answering 429 with Retry-After: 1 keeps retrying only until the bound", async () => {
  const gateway = await startGateway({ fault: "429", retryAfterSeconds: 1 });
  try {
    const { reason } = await assertBoundedExit(gateway.url);
    assert.equal(reason, "gave up after 1s");
    assert.ok(gateway.requests.some((request) => request.status === 429));
  } finally {
    await gateway.close();
  }
});

Deno.test("a shorter tracing.shutdown_timeout shortens the wait on a black-holed collector", async () => {
  const hole = await startBlackHole();
  try {
    // A smaller slack here, so that the test fails if the default 1 s bound were still in force.
    const { reason } = await assertBoundedExit(
      hole.url,
      { KODELET_TRACING_SHUTDOWN_TIMEOUT: "200ms" },
      200,
      700,
    );
    assert.equal(reason, "gave up after 0.2s");
  } finally {
    await hole.close();
  }
});
