/**
 * Bad input anywhere stops kodelet with exactly one line on stderr naming the key, the bad value and
 * where it came from, exit code 2, nothing on stdout and no stack trace.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { linesOf, runKodelet, tempDir } from "../support/run_kodelet.ts";

interface BadInput {
  what: string;
  args?: string[];
  env?: Record<string, string>;
  /** YAML text of ./kodelet-config.yaml in the working directory. */
  localYaml?: string;
  /** YAML text of <KODELET_BASE_PATH>/config.yaml. */
  globalYaml?: string;
  /** The whole line, as a pattern ("kodelet: " is added in front). */
  line: RegExp;
}

const CASES: BadInput[] = [
  {
    what: "a --limit that is not a whole number above 0",
    args: ["conversation", "list", "--limit", "0"],
    line: /Invalid --limit "0" \(from the command line\): must be a whole number above 0/,
  },
  {
    what: "a log.file in a directory that does not exist",
    env: { KODELET_LOG_FILE: "/nonexistent-dir/kodelet.log" },
    line: /Invalid log\.file "\/nonexistent-dir\/kodelet\.log": cannot open it for writing \(.+\)/,
  },
  {
    what: "a thinking budget not below max_tokens",
    env: { KODELET_THINKING_BUDGET_TOKENS: "9000", KODELET_MAX_TOKENS: "8192" },
    line:
      /Invalid thinking_budget_tokens "9000" \(from KODELET_THINKING_BUDGET_TOKENS\): must be 0 \(off\) or between 1024 and max_tokens - 1 \(max_tokens is 8192\)/,
  },
  {
    what: "an unknown sampler in KODELET_TRACING_SAMPLER",
    env: { KODELET_TRACING_SAMPLER: "sometimes" },
    line:
      /Invalid tracing\.sampler "sometimes" \(from KODELET_TRACING_SAMPLER\): must be one of always, never, ratio/,
  },
  {
    what: "an unknown sampler in OTEL_TRACES_SAMPLER",
    env: { OTEL_TRACES_SAMPLER: "jaeger_remote" },
    line: /Invalid tracing\.sampler "jaeger_remote" \(from OTEL_TRACES_SAMPLER\): must be one of .+/,
  },
  {
    what: "an unknown sampler in --tracing-sampler",
    args: ["version", "--tracing-sampler", "sometimes"],
    line:
      /Invalid tracing\.sampler "sometimes" \(from --tracing-sampler\): must be one of always, never, ratio/,
  },
  {
    what: "a ratio above 1 in KODELET_TRACING_RATIO",
    env: { KODELET_TRACING_RATIO: "1.5" },
    line: /Invalid tracing\.ratio "1\.5" \(from KODELET_TRACING_RATIO\): must be a number between 0 and 1/,
  },
  {
    what: "a ratio that is not a number in OTEL_TRACES_SAMPLER_ARG",
    env: { OTEL_TRACES_SAMPLER_ARG: "half" },
    line: /Invalid tracing\.ratio "half" \(from OTEL_TRACES_SAMPLER_ARG\): must be a number between 0 and 1/,
  },
  {
    what: "a negative ratio in --tracing-ratio",
    args: ["version", "--tracing-ratio=-0.1"],
    line: /Invalid tracing\.ratio "-0\.1" \(from --tracing-ratio\): must be a number between 0 and 1/,
  },
  {
    what: "a header list without =",
    env: { OTEL_EXPORTER_OTLP_HEADERS: "Authorization" },
    line:
      /Invalid tracing\.headers "\*\*\*" \(from OTEL_EXPORTER_OTLP_HEADERS\): must be a comma-separated list of key=value pairs/,
  },
  {
    what: "a header value with broken percent-encoding",
    env: { OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%2" },
    line:
      /Invalid tracing\.headers "Authorization=\*\*\*" \(from OTEL_EXPORTER_OTLP_HEADERS\): has a value for "Authorization" that is not valid percent-encoding/,
  },
  {
    what: "an endpoint without a scheme",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" },
    line:
      /Invalid tracing\.endpoint "localhost:4318" \(from OTEL_EXPORTER_OTLP_ENDPOINT\): must be an absolute http:\/\/ or https:\/\/ URL/,
  },
  {
    what: "a traces endpoint that is not a URL",
    env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" },
    line: /Invalid tracing\.endpoint "not a url" \(from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\): must be .+/,
  },
  {
    what: "an OTLP protocol kodelet does not speak",
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
    line:
      /Invalid tracing\.protocol "grpc" \(from OTEL_EXPORTER_OTLP_PROTOCOL\): must be one of http\/protobuf, http\/json/,
  },
  {
    what: "a ./kodelet-config.yaml that does not parse",
    localYaml: "tracing:\n  enabled: [true\n",
    line: /Invalid YAML in \/.+\/kodelet-config\.yaml: .+ at line \d+, column \d+/,
  },
  {
    what: "a config.yaml that does not parse",
    globalYaml: "tracing: {sampler: always\n",
    line: /Invalid YAML in \/.+\/config\.yaml: .+/,
  },
  {
    what: "a bad value in config.yaml",
    globalYaml: "tracing:\n  ratio: 7\n",
    line: /Invalid tracing\.ratio "7" \(from \/.+\/config\.yaml\): must be a number between 0 and 1/,
  },
  {
    // "api_key: set ..." read as a credential by the redactor printed "[REDACTED] ANTHROPIC_API_KEY".
    what: "a run without an Anthropic API key",
    args: ["run", "hi"],
    line: /Missing anthropic\.api_key \(set ANTHROPIC_API_KEY, or use --provider openai\)/,
  },
  {
    what: "an OpenAI run without an API key or a base URL",
    args: ["run", "--provider", "openai", "hi"],
    line: /Missing openai\.api_key \(set OPENAI_API_KEY, or openai\.base_url for a local server\)/,
  },
  {
    what: "--resume and --follow together",
    args: ["run", "--resume", "20261203-000000-abcdef12", "--follow", "hi"],
    line: /Invalid flags --resume and --follow together \(from the command line\): give one of them/,
  },
  {
    what: "an unknown command",
    args: ["deploy"],
    line: /Unknown command "deploy" \(from the command line\): see "kodelet --help" for the commands/,
  },
  {
    what: "an unknown flag",
    args: ["version", "--colour"],
    line: /Unknown flag "--colour" \(from the command line\): see "kodelet version --help" for the flags/,
  },
  {
    what: "a boolean flag with a value that is not a boolean",
    args: ["version", "--tracing-enabled=maybe"],
    line: /Invalid --tracing-enabled "maybe" \(from the command line\): must be true or false/,
  },
  {
    what: "an argument too many",
    args: ["version", "now"],
    line: /Unexpected argument "now" \(from the command line\) for "kodelet version"/,
  },
];

for (const bad of CASES) {
  Deno.test(`kodelet refuses ${bad.what}: one line, exit code 2, no stack`, async () => {
    await using dir = await tempDir();
    const cwd = join(dir.path, "project");
    const base = join(dir.path, "base");
    await Deno.mkdir(cwd);
    await Deno.mkdir(base);
    if (bad.localYaml !== undefined) {
      await Deno.writeTextFile(join(cwd, "kodelet-config.yaml"), bad.localYaml);
    }
    if (bad.globalYaml !== undefined) await Deno.writeTextFile(join(base, "config.yaml"), bad.globalYaml);

    const result = await runKodelet(bad.args ?? ["version"], {
      cwd,
      env: { KODELET_BASE_PATH: base, ...bad.env },
    });

    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, `exactly one line, got:\n${result.stderr}`);
    assert.match(lines[0] ?? "", new RegExp(`^kodelet: ${bad.line.source}$`));
  });
}
