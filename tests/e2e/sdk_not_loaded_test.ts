/**
 * Tracing off costs nothing: the OpenTelemetry SDK and exporter modules are not even evaluated. Shown
 * by what was loaded, not by timing: kodelet runs with an import map in which every OpenTelemetry
 * package except the API is a sentinel module that writes its name to a file when it is evaluated and
 * then re-exports the real package. The map is generated from the project's deno.json (with a copy of
 * deno.lock, so the same versions resolve from the cache), so it keeps up as imports are added.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startLlmServer } from "../support/llm_server.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { DENO_JSON, REPO_ROOT, runKodelet, type RunResult, tempDir } from "../support/run_kodelet.ts";

/** Packages that are not the SDK: the API (no-op without the SDK) and the attribute-name constants. */
const NOT_SDK = new Set(["@opentelemetry/api", "@opentelemetry/semantic-conventions"]);

interface SentinelSetup {
  config: string;
  log: string;
  sentinels: string[];
}

/** Heavy packages that a command loads only when it uses them (the Anthropic SDK by its client). */
const ON_DEMAND = ["@anthropic-ai/sdk/client", "openai", "turndown", "mvdan-sh", "string-width"];
/** Of those, the ones without a default export. */
const NO_DEFAULT_EXPORT = new Set(["@anthropic-ai/sdk/client"]);

/** Writes the sentinel modules and a deno.json/deno.lock pair that routes the SDK through them. */
async function writeSentinelConfig(dir: string): Promise<SentinelSetup> {
  const project = JSON.parse(await Deno.readTextFile(DENO_JSON)) as {
    imports: Record<string, string>;
    scopes?: Record<string, Record<string, string>>;
  };
  const imports: Record<string, string> = {};
  for (const [name, target] of Object.entries(project.imports)) {
    // Paths in the project's map are relative to the project, not to the generated file.
    imports[name] = target.startsWith(".") ? new URL(target, `file://${REPO_ROOT}`).href : target;
  }
  const sentinels = Object.keys(project.imports).filter((name) =>
    (name.startsWith("@opentelemetry/") && !NOT_SDK.has(name)) || ON_DEMAND.includes(name)
  );
  await Deno.mkdir(join(dir, "sentinels"));
  for (const name of sentinels) {
    const file = `./sentinels/${name.replace(/\W+/g, "_")}.js`;
    await Deno.writeTextFile(
      join(dir, file),
      `Deno.writeTextFileSync(Deno.env.get("KODELET_SENTINEL_LOG"), ${
        JSON.stringify(name + "\n")
      }, { append: true });\n` +
        `export * from ${JSON.stringify(`kodelet-real/${name}`)};\n` +
        (ON_DEMAND.includes(name) && !NO_DEFAULT_EXPORT.has(name)
          ? `export { default } from ${JSON.stringify(`kodelet-real/${name}`)};\n`
          : ""),
    );
    imports[`kodelet-real/${name}`] = imports[name] ?? "";
    imports[name] = file;
    // Deep imports (a package's file by path) bypass the sentinel and go to the real package.
    if (imports[`kodelet-real/${name}`]?.startsWith("npm:")) {
      imports[`${name}/`] = `${imports[`kodelet-real/${name}`]}/`;
    }
  }
  const config = join(dir, "deno.json");
  await Deno.writeTextFile(
    config,
    JSON.stringify({ imports, ...(project.scopes ? { scopes: project.scopes } : {}) }),
  );
  await Deno.copyFile(join(REPO_ROOT, "deno.lock"), join(dir, "deno.lock"));
  return { config, log: join(dir, "evaluated.txt"), sentinels };
}

/** Runs kodelet through the sentinel map and returns which SDK packages were evaluated. */
async function evaluatedModules(
  setup: SentinelSetup,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ result: RunResult; evaluated: string[] }> {
  await Deno.writeTextFile(setup.log, "");
  const result = await runKodelet(args, {
    config: setup.config,
    env: { KODELET_SENTINEL_LOG: setup.log, ...env },
  });
  const evaluated = [
    ...new Set((await Deno.readTextFile(setup.log)).split("\n").filter((line) => line !== "")),
  ];
  return { result, evaluated: evaluated.sort() };
}

/** The evaluated modules that belong to the OpenTelemetry SDK. */
function sdkModules(evaluated: string[]): string[] {
  return evaluated.filter((name) => name.startsWith("@opentelemetry/"));
}

Deno.test("tracing off: version, --version and --help evaluate no OpenTelemetry SDK or exporter module", async () => {
  await using dir = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  assert.ok(setup.sentinels.includes("@opentelemetry/sdk-trace-base"));
  for (const args of [["version"], ["--version"], ["--help"], ["version", "--tracing-enabled=false"]]) {
    const { result, evaluated } = await evaluatedModules(setup, args);
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    assert.deepEqual(evaluated, [], `kodelet ${args.join(" ")} evaluated ${evaluated.join(", ")}`);
  }
});

Deno.test("terminal column widths (string-width) load only for the tables that need them", async () => {
  await using dir = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  const env = { KODELET_BASE_PATH: join(dir.path, "kodelet") };
  const traced = await evaluatedModules(setup, ["version", "--tracing-enabled"], env);
  assert.equal(traced.result.code, 0, traced.result.stderr);
  assert.ok(!traced.evaluated.includes("string-width"), traced.evaluated.join(", "));
  const listed = await evaluatedModules(setup, ["trace", "list", "--all"], env);
  assert.equal(listed.result.code, 0, listed.result.stderr);
  assert.match(listed.result.stdout, /version/, "the table lists the traced command");
  assert.deepEqual(listed.evaluated, ["string-width"]);
});

Deno.test("tracing on: the same sentinels see the SDK and the chosen exporter being evaluated", async () => {
  // The counterpart that shows the sentinels work, so that the test above can fail.
  await using dir = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  const receiver = await startOtlpReceiver();
  try {
    const { result, evaluated } = await evaluatedModules(setup, ["version"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(receiver.spans.length, 1, "the span still arrives through the sentinels");
    for (
      const name of [
        "@opentelemetry/sdk-trace-base",
        "@opentelemetry/context-async-hooks",
        "@opentelemetry/resources",
        "@opentelemetry/exporter-trace-otlp-proto",
      ]
    ) {
      assert.ok(evaluated.includes(name), `${name} not evaluated; evaluated: ${evaluated.join(", ")}`);
    }
    // Only the chosen encoding is loaded.
    assert.ok(!evaluated.includes("@opentelemetry/exporter-trace-otlp-http"));
  } finally {
    await receiver.close();
  }
});

Deno.test("tracing off: a whole agent run with a tool call evaluates no OpenTelemetry SDK module", async () => {
  await using dir = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  const llm = await startLlmServer();
  try {
    llm.enqueue(
      { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: "true" } }] },
      { kind: "message", text: "done" },
    );
    const { result, evaluated } = await evaluatedModules(setup, ["run", "--no-save", "go"], {
      ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(llm.requests.length, 2, "the run really went through two turns");
    assert.deepEqual(sdkModules(evaluated), []);
  } finally {
    await llm.close();
  }
});

Deno.test("a run loads only the provider it uses, no turndown when no page is fetched, no shell parser without a command", async () => {
  await using dir = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  const llm = await startLlmServer();
  try {
    llm.enqueue({ kind: "message", text: "hello" }, { kind: "message", text: "hello" });
    const anthropic = await evaluatedModules(setup, ["run", "--no-save", "hi"], {
      ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    });
    assert.equal(anthropic.result.code, 0, anthropic.result.stderr);
    assert.deepEqual(anthropic.evaluated, ["@anthropic-ai/sdk/client"]);
    const openai = await evaluatedModules(setup, ["run", "--no-save", "--provider", "openai", "hi"], {
      OPENAI_API_KEY: "sk-test-000000000000",
      OPENAI_BASE_URL: llm.openaiBaseUrl,
    });
    assert.equal(openai.result.code, 0, openai.result.stderr);
    assert.deepEqual(openai.evaluated, ["openai"]);
    // The shell parser (3.7 MB) comes in with the first command that has shell syntax to read.
    const bashRun = async (command: string) => {
      llm.enqueue(
        { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command } }] },
        { kind: "message", text: "done" },
      );
      const run = await evaluatedModules(setup, ["run", "--no-save", "--yolo", "go"], {
        ANTHROPIC_API_KEY: "sk-ant-test-000000000000",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      });
      assert.equal(run.result.code, 0, run.result.stderr);
      return run.evaluated;
    };
    assert.deepEqual(await bashRun("echo hi"), ["@anthropic-ai/sdk/client"]);
    assert.deepEqual(await bashRun("echo hi | tr a-z A-Z"), ["@anthropic-ai/sdk/client", "mvdan-sh"]);
    // Commands that make no request load no provider at all.
    const version = await evaluatedModules(setup, ["version"]);
    assert.deepEqual(version.evaluated, []);
  } finally {
    await llm.close();
  }
});

Deno.test("background delivery: a short traced command never loads the OTLP exporter (its spans go to the spool)", async () => {
  await using dir = await tempDir();
  await using home = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  const receiver = await startOtlpReceiver();
  try {
    const { result, evaluated } = await evaluatedModules(setup, ["version"], {
      HOME: home.path,
      KODELET_BASE_PATH: join(home.path, ".kodelet"),
      KODELET_TRACING_DELIVERY: "background",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.ok(evaluated.includes("@opentelemetry/sdk-trace-base"), evaluated.join(", "));
    for (const name of ["@opentelemetry/exporter-trace-otlp-proto", "@opentelemetry/otlp-transformer"]) {
      assert.ok(!evaluated.includes(name), `${name} was evaluated: ${evaluated.join(", ")}`);
    }
    // And the span still arrives, sent by the background sender.
    await receiver.waitForSpans(1, 10_000);
  } finally {
    await receiver.close();
  }
});

Deno.test("metrics and log events off: tracing loads the trace SDK but nothing of the other two signals", async () => {
  await using dir = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  const receiver = await startOtlpReceiver();
  try {
    const { result, evaluated } = await evaluatedModules(setup, ["version"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      KODELET_METRICS_ENABLED: "false",
      OTEL_LOGS_EXPORTER: "none",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(evaluated.includes("@opentelemetry/sdk-trace-base"), evaluated.join(", "));
    for (const name of evaluated) {
      assert.ok(!/metrics|logs/.test(name), `${name} was evaluated with metrics and logs off`);
    }
    assert.equal(receiver.metrics.length + receiver.logs.length, 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("metrics on, logs off: the metrics SDK is evaluated and the logs SDK is not", async () => {
  await using dir = await tempDir();
  const setup = await writeSentinelConfig(dir.path);
  const receiver = await startOtlpReceiver();
  try {
    const { result, evaluated } = await evaluatedModules(setup, ["version"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      KODELET_LOGS_ENABLED: "false",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(evaluated.includes("@opentelemetry/sdk-metrics"), evaluated.join(", "));
    for (
      const name of [
        "@opentelemetry/sdk-logs",
        "@opentelemetry/api-logs",
        "@opentelemetry/exporter-logs-otlp-proto",
      ]
    ) {
      assert.ok(!evaluated.includes(name), `${name} evaluated with logs off`);
    }
    assert.equal(receiver.metrics.filter((point) => point.name === "kodelet.session.count").length, 1);
  } finally {
    await receiver.close();
  }
});
