/**
 * The bash tool's commands do not see kodelet's credentials or the user's tokens: after the model ran
 * `env`, neither the next LLM request nor the saved conversation may hold them.
 */
import assert from "node:assert/strict";
import { bashTool } from "../../lib/tools/bash.ts";
import { childEnvironment } from "../../lib/tools/child_env.ts";
import { startLlmServer } from "../support/llm_server.ts";
import { runKodelet, tempDir } from "../support/run_kodelet.ts";
import { testContext } from "../tools/_context.ts";

const ENV = {
  PATH: "/usr/bin:/bin",
  HOME: "/home/u",
  LANG: "C.UTF-8",
  SSH_AUTH_SOCK: "/run/ssh.sock",
  ANTHROPIC_API_KEY: "sk-ant-env-1",
  KODELET_OPENAI_API_KEY: "sk-env-2",
  OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20abc",
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x=y",
  GITHUB_TOKEN: "ghp_env3",
  AWS_SECRET_ACCESS_KEY: "aws4",
  AWS_REGION: "eu-west-1",
  DB_PASSWORD: "pw5",
  DATABASE_URL: "postgres://admin:hunter2@db:5432/app",
  PLAIN_URL: "https://example.com/x",
  NPM_TOKEN: "npm6",
};

Deno.test("childEnvironment drops kodelet's credentials and credential-looking variables", () => {
  const env = childEnvironment(ENV, []);
  assert.deepEqual(Object.keys(env).sort(), ["HOME", "LANG", "PATH", "PLAIN_URL", "SSH_AUTH_SOCK"]);
});

Deno.test("tools.bash.env_passthrough lets named variables through, but never kodelet's own keys", () => {
  const env = childEnvironment(ENV, ["NPM_TOKEN", "ANTHROPIC_API_KEY", "OTEL_EXPORTER_OTLP_HEADERS"]);
  assert.equal(env.NPM_TOKEN, "npm6");
  assert.equal(env.ANTHROPIC_API_KEY, undefined);
  assert.equal(env.OTEL_EXPORTER_OTLP_HEADERS, undefined);
  assert.equal(env.GITHUB_TOKEN, undefined);
});

Deno.test("the bash tool's child gets exactly the environment it is given, not kodelet's", async () => {
  Deno.env.set("KODELET_TEST_LEAKED_TOKEN", "leaked-value-7");
  try {
    const { ctx } = testContext(Deno.cwd());
    const result = await bashTool.execute({ command: "env" }, ctx);
    assert.ok(result.ok);
    assert.doesNotMatch(result.output, /leaked-value-7/);
    assert.match(result.output, /PATH=/);
  } finally {
    Deno.env.delete("KODELET_TEST_LEAKED_TOKEN");
  }
});

Deno.test("kodelet run: the model's `env` shows no API key, OTLP headers or GITHUB_TOKEN", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  try {
    llm.enqueue(
      { kind: "message", toolCalls: [{ id: "toolu_env", name: "bash", input: { command: "env" } }] },
      { kind: "message", text: "done" },
    );
    const secrets = {
      ANTHROPIC_API_KEY: "sk-ant-api03-ENVLEAK-0123456789",
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20T1RMUC1MRUFL",
      GITHUB_TOKEN: "ghp_ENVLEAKabcdefghijklmnopqrstuvwxyz01",
      PASSED_TOKEN: "passed-through-42",
    };
    const result = await runKodelet(["run", "--allow", "bash(env)", "show env"], {
      cwd: home.path,
      env: {
        ...secrets,
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        KODELET_TRACING_ENABLED: "false",
        KODELET_BASE_PATH: `${home.path}/.kodelet`,
        KODELET_TOOLS_BASH_ENV_PASSTHROUGH: "PASSED_TOKEN",
      },
    });
    assert.equal(result.code, 0, result.stderr);
    const sent = JSON.stringify(llm.requests[1]?.body);
    assert.match(sent, /PATH=/);
    assert.match(sent, /passed-through-42/);
    for (const value of ["ENVLEAK-0123456789", "T1RMUC1MRUFL", "ghp_ENVLEAK"]) {
      assert.ok(!sent.includes(value), `${value} reached the LLM`);
    }
    const db = await Deno.readFile(`${home.path}/.kodelet/storage.db`);
    const text = new TextDecoder().decode(db);
    assert.ok(!text.includes("ghp_ENVLEAK"), "the token was saved in storage.db");
  } finally {
    await llm.close();
  }
});
