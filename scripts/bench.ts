/**
 * `deno task bench`: prints figures and ratios, all measured in this one run (not a test):
 *
 *   1. start-up: `kodelet --version` against a bare Deno hello-world (goal: under 2x);
 *   2. a traced no-op: `kodelet version` with tracing on (OTLP to a local receiver, and console)
 *      against tracing off;
 *   3. the cost of one span (start + 4 attributes + end) with the batch span processor, in process;
 *   4. `kodelet chat` in a real terminal (tmux): time from start to a usable prompt, against
 *      `kodelet --version` (the terminal UI is loaded only by chat).
 *
 * Subprocesses run with a clean environment (tests/support/run_kodelet.ts), interleaved so that a
 * machine getting busier mid-run weighs on every variant alike, and the median of N runs is reported.
 */
import { SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode } from "@opentelemetry/core";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { context } from "@opentelemetry/api";
import { withSpan } from "../lib/telemetry/mod.ts";
import { startOtlpReceiver } from "../tests/support/otlp_receiver.ts";
import {
  DENO_JSON,
  inheritedEnv,
  KODELET_PERMISSIONS,
  MAIN_TS,
  runDeno,
  runKodelet,
  type RunResult,
} from "../tests/support/run_kodelet.ts";
import { hasTmux, startTerminal } from "../tests/support/tmux.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 10);
const WARMUP_RUNS = 2;
const SPANS = 100_000;
const SPAN_ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle] ?? NaN
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`.padStart(10);
}

function ratio(value: number, reference: number): string {
  return `${(value / reference).toFixed(2)}x`;
}

interface Variant {
  name: string;
  run: () => Promise<RunResult>;
}

/** Runs every variant WARMUP_RUNS + RUNS times, round-robin, and returns the median wall times. */
async function measure(variants: Variant[]): Promise<Map<string, { median: number; min: number }>> {
  const times = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < WARMUP_RUNS + RUNS; round++) {
    for (const variant of variants) {
      const result = await variant.run();
      if (result.code !== 0) throw new Error(`${variant.name} exited with ${result.code}: ${result.stderr}`);
      if (round >= WARMUP_RUNS) times.get(variant.name)?.push(result.durationMs);
    }
  }
  return new Map(
    [...times].map(([name, values]) => [name, { median: median(values), min: Math.min(...values) }]),
  );
}

function report(
  title: string,
  results: Map<string, { median: number; min: number }>,
  reference: string,
): void {
  const base = results.get(reference)?.median ?? NaN;
  console.log(`\n${title} (median of ${RUNS} runs, after ${WARMUP_RUNS} warm-up runs)`);
  for (const [name, { median, min }] of results) {
    const relative = name === reference ? "reference" : ratio(median, base);
    console.log(`  ${name.padEnd(44)}${ms(median)}  (min ${ms(min).trim()})  ${relative}`);
  }
}

async function startupBench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kodelet-bench-" });
  try {
    const hello = `${dir}/hello.ts`;
    await Deno.writeTextFile(hello, 'console.log("hello");\n');
    const results = await measure([
      {
        name: "deno run hello.ts (bare hello-world)",
        run: () => runDeno(["run", ...KODELET_PERMISSIONS, "--no-config", hello]),
      },
      { name: "kodelet --version (deno run main.ts)", run: () => runKodelet(["--version"]) },
    ]);
    report("1. Start-up", results, "deno run hello.ts (bare hello-world)");
    const factor = (results.get("kodelet --version (deno run main.ts)")?.median ?? NaN) /
      (results.get("deno run hello.ts (bare hello-world)")?.median ?? NaN);
    console.log(
      `  kodelet --version / hello-world = ${factor.toFixed(2)}x (goal: under 2x) ${
        factor < 2 ? "OK" : "MISSED"
      }`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function tracedNoopBench(): Promise<void> {
  const receiver = await startOtlpReceiver();
  try {
    const results = await measure([
      { name: "kodelet version, tracing off", run: () => runKodelet(["version"]) },
      {
        name: "kodelet version, tracing on, OTLP protobuf",
        run: () => runKodelet(["version"], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      },
      {
        name: "kodelet version, tracing on, OTLP json",
        run: () =>
          runKodelet(["version"], {
            env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
          }),
      },
      {
        name: "kodelet version, tracing on, console",
        run: () => runKodelet(["version", "--tracing-enabled"], { env: { OTEL_TRACES_EXPORTER: "console" } }),
      },
      {
        name: "kodelet version, tracing on, exporter none",
        run: () => runKodelet(["version", "--tracing-enabled"], { env: { OTEL_TRACES_EXPORTER: "none" } }),
      },
    ]);
    report("2. Traced no-op command", results, "kodelet version, tracing off");
    const expected = (WARMUP_RUNS + RUNS) * 2;
    console.log(`  (the receiver got ${receiver.spans.length} of ${expected} root spans)`);
  } finally {
    await receiver.close();
  }
}

/** An exporter that accepts everything and does nothing, so that only the SDK's own work is measured. */
const noopExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: () => Promise.resolve(),
};

function startAttributesEnd(tracer: Tracer, count: number): number {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan("execute_tool bash");
    span.setAttributes({
      "gen_ai.tool.name": "bash",
      "gen_ai.tool.call.id": "toolu_01",
      "kodelet.bash.exit_code": 0,
      "kodelet.output.bytes": 1234,
    });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  }
  return performance.now() - started;
}

async function withSpanLoop(count: number): Promise<number> {
  const attributes = { "gen_ai.tool.name": "bash", "gen_ai.tool.call.id": "toolu_01" };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await withSpan("execute_tool bash", (span) => {
      span.setAttribute("kodelet.bash.exit_code", 0);
      span.setAttribute("kodelet.output.bytes", 1234);
    }, { attributes });
  }
  return performance.now() - started;
}

function perSpan(totalMs: number, count: number): string {
  const ns = (totalMs * 1e6) / count;
  return `${ns.toFixed(0).padStart(6)} ns/span  (${
    Math.round(count / (totalMs / 1000)).toLocaleString("en")
  } spans/s)`;
}

async function spanCostBench(): Promise<void> {
  console.log(
    `\n3. Cost of one span: start + 4 attributes + status + end (median of ${SPAN_ROUNDS} rounds of ${
      SPANS.toLocaleString("en")
    })`,
  );

  // Tracing off: the API's no-op tracer, which is what every span costs when kodelet runs untraced.
  const noop = trace.getTracer("bench");
  startAttributesEnd(noop, 10_000);
  const offTimes = Array.from({ length: SPAN_ROUNDS }, () => startAttributesEnd(noop, SPANS));
  const off = median(offTimes);
  console.log(`  tracing off (API no-op tracer)                ${perSpan(off, SPANS)}`);

  // Tracing on: a BatchSpanProcessor as kodelet configures it, with a queue large enough that no
  // span is dropped (dropping is cheaper and would flatter the figure), feeding a no-op exporter.
  const processor = new BatchSpanProcessor(noopExporter, {
    maxQueueSize: SPANS * 2,
    maxExportBatchSize: 512,
    scheduledDelayMillis: 1000,
  });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer("bench");
  startAttributesEnd(tracer, 10_000);
  await provider.forceFlush();
  const loopTimes: number[] = [];
  const withFlushTimes: number[] = [];
  for (let round = 0; round < SPAN_ROUNDS; round++) {
    const loop = startAttributesEnd(tracer, SPANS);
    const flushStarted = performance.now();
    await provider.forceFlush();
    loopTimes.push(loop);
    withFlushTimes.push(loop + performance.now() - flushStarted);
  }
  const on = median(loopTimes);
  console.log(`  tracing on, batch processor (start..end)      ${perSpan(on, SPANS)}`);
  console.log(`  tracing on, batch processor incl. flush       ${perSpan(median(withFlushTimes), SPANS)}`);

  // kodelet's withSpan: active context (AsyncLocalStorage), status, and an await per span.
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  await withSpanLoop(10_000);
  await provider.forceFlush();
  const withSpanTimes: number[] = [];
  for (let round = 0; round < SPAN_ROUNDS; round++) {
    withSpanTimes.push(await withSpanLoop(SPANS));
    await provider.forceFlush();
  }
  console.log(`  tracing on, kodelet withSpan (async)          ${perSpan(median(withSpanTimes), SPANS)}`);
  console.log(`  one traced span costs ${ratio(on, off)} an untraced one`);
  await provider.shutdown();
}

/** Milliseconds from starting `kodelet chat` in tmux until its prompt and status line are drawn. */
async function chatToPrompt(home: string): Promise<number> {
  const started = performance.now();
  await using term = await startTerminal({
    command: [Deno.execPath(), "run", ...KODELET_PERMISSIONS, "--config", DENO_JSON, MAIN_TS, "chat"],
    env: {
      ...inheritedEnv(),
      TERM: "xterm-256color",
      ANTHROPIC_API_KEY: "sk-ant-bench-000000000000",
      KODELET_BASE_PATH: `${home}/.kodelet`,
    },
    cwd: home,
  });
  await term.waitFor(/tokens · \$/, 30_000, 10);
  return performance.now() - started;
}

async function chatStartupBench(): Promise<void> {
  if (!hasTmux()) {
    console.log("\n4. Chat start-up: skipped (tmux is not installed)");
    return;
  }
  const home = await Deno.makeTempDir({ prefix: "kodelet-bench-chat-" });
  try {
    const results = await measure([
      { name: "kodelet --version (deno run main.ts)", run: () => runKodelet(["--version"]) },
      {
        name: "kodelet chat: time to a usable prompt",
        run: async () => ({ code: 0, stdout: "", stderr: "", durationMs: await chatToPrompt(home) }),
      },
    ]);
    report("4. Chat start-up in a real terminal (tmux)", results, "kodelet --version (deno run main.ts)");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

console.log(`kodelet bench: deno ${Deno.version.deno}, ${Deno.build.target}`);
await startupBench();
await tracedNoopBench();
await spanCostBench();
await chatStartupBench();
