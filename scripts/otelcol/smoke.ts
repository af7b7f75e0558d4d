/**
 * Smoke check of the test collector against the official OpenTelemetry JS exporters:
 *
 *   deno run --allow-all scripts/otelcol/smoke.ts
 *
 * Builds the collector if needed (scripts/otelcol/build.sh, needs Go), starts it, and checks that
 * spans sent with OTLP/HTTP protobuf, OTLP/HTTP JSON and the OTEL_EXPORTER_OTLP_* environment
 * variables (as a Grafana Cloud user sets them) arrive in the file with their attributes, while a
 * wrong password, no credentials and a path without /otlp are refused and write nothing.
 * Not part of `deno task test`: that must run without Go.
 */
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import {
  type CollectedSpan,
  collectorBinary,
  collectorUnavailableReason,
  type RunningCollector,
  startCollector,
} from "./collector.ts";

const USER = "123456";
const PASSWORD = "glc_smoke+token/with=odd:chars";

let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, detail = ""): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail === "" ? "" : ` (${detail})`}`);
}

/** Sends one parent span and one child span through `exporter`; returns how long export took. */
async function sendTrace(exporter: SpanExporter, label: string): Promise<number> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "kodelet-smoke", "service.version": "0.0.0-smoke" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("kodelet.smoke", "1.2.3");
  const started = performance.now();
  const parent = tracer.startSpan(`smoke ${label}`, {
    kind: SpanKind.SERVER,
    attributes: {
      "smoke.exporter": label,
      "smoke.int": 42,
      "smoke.double": 1.5,
      "smoke.bool": true,
      "smoke.list": ["a", "b"],
    },
  });
  parent.addEvent("smoke.event", { "event.detail": "hello" });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: "smoke failure" });
  const child = tracer.startSpan(
    `smoke ${label} child`,
    { kind: SpanKind.CLIENT },
    trace.setSpan(context.active(), parent),
  );
  child.end();
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  return performance.now() - started;
}

/** Exports a finished span directly and resolves with the exporter's result. */
function exportOnce(exporter: SpanExporter, span: ReadableSpan): Promise<{ code: number; error: string }> {
  return new Promise((resolve) => {
    exporter.export([span], (result) => resolve({ code: result.code, error: String(result.error ?? "") }));
  });
}

/** Captures one finished span without sending it anywhere. */
async function finishedSpan(): Promise<ReadableSpan> {
  const captured: ReadableSpan[] = [];
  const capture: SpanExporter = {
    export(spans, done) {
      captured.push(...spans);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(capture)] });
  provider.getTracer("kodelet.smoke").startSpan("smoke rejected").end();
  await provider.shutdown();
  const span = captured[0];
  if (span === undefined) throw new Error("no span captured");
  return span;
}

function checkTrace(spans: CollectedSpan[], label: string): void {
  const parent = spans.find((span) => span.name === `smoke ${label}`);
  const child = spans.find((span) => span.name === `smoke ${label} child`);
  check(`${label}: both spans arrived`, parent !== undefined && child !== undefined);
  if (parent === undefined || child === undefined) return;
  check(
    `${label}: ids and parentage`,
    /^[0-9a-f]{32}$/.test(parent.traceId) && /^[0-9a-f]{16}$/.test(parent.spanId) &&
      parent.parentSpanId === "" && child.traceId === parent.traceId && child.parentSpanId === parent.spanId,
    `trace ${parent.traceId}`,
  );
  check(`${label}: kinds`, parent.kind === 2 && child.kind === 3, `${parent.kind}/${child.kind}`);
  check(
    `${label}: attributes`,
    parent.attributes["smoke.exporter"] === label && parent.attributes["smoke.int"] === 42 &&
      parent.attributes["smoke.double"] === 1.5 && parent.attributes["smoke.bool"] === true &&
      JSON.stringify(parent.attributes["smoke.list"]) === '["a","b"]',
    JSON.stringify(parent.attributes),
  );
  check(
    `${label}: status`,
    parent.status.code === 2 && parent.status.message === "smoke failure" && child.status.code === 0,
    JSON.stringify(parent.status),
  );
  check(
    `${label}: event`,
    parent.events.length === 1 && parent.events[0]?.name === "smoke.event" &&
      parent.events[0].attributes["event.detail"] === "hello",
  );
  check(
    `${label}: resource and scope`,
    parent.resource["service.name"] === "kodelet-smoke" && parent.scopeName === "kodelet.smoke" &&
      parent.scopeVersion === "1.2.3",
    `${JSON.stringify(parent.resource["service.name"])} ${parent.scopeName}@${parent.scopeVersion}`,
  );
}

/** Waits longer than the file exporter's flush interval, then checks nothing new was written. */
async function checkNothingWritten(collector: RunningCollector, before: number, what: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = (await collector.readSpans()).length;
  check(`${what}: nothing written`, after === before, `${before} -> ${after} spans`);
}

async function rawPost(url: string, authorization: string | null): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== null) headers["authorization"] = authorization;
  const response = await fetch(url, { method: "POST", headers, body: '{"resourceSpans":[]}' });
  return { status: response.status, body: (await response.text()).trim() };
}

async function main(): Promise<number> {
  const buildStarted = performance.now();
  const binary = await collectorBinary();
  if (binary === null) {
    console.log(`cannot run: ${collectorUnavailableReason()}`);
    return 2;
  }
  console.log(`collector: ${binary} (ready in ${Math.round(performance.now() - buildStarted)} ms)`);

  const startStarted = performance.now();
  await using collector = await startCollector({ user: USER, password: PASSWORD });
  console.log(
    `started in ${Math.round(performance.now() - startStarted)} ms: endpoint ${collector.endpoint}, ` +
      `OTEL_EXPORTER_OTLP_HEADERS=${collector.authHeader}`,
  );
  const headers = { Authorization: collector.authorization };

  // 1. OTLP/HTTP protobuf, the default protocol of Grafana Cloud's instructions.
  let took = await sendTrace(new ProtoExporter({ url: collector.tracesUrl, headers }), "http/protobuf");
  let waitStarted = performance.now();
  let spans = await collector.waitForSpans(2);
  console.log(
    `     exported in ${Math.round(took)} ms, in the file ${
      Math.round(performance.now() - waitStarted)
    } ms later`,
  );
  checkTrace(spans, "http/protobuf");

  // 2. OTLP/HTTP JSON.
  took = await sendTrace(new JsonExporter({ url: collector.tracesUrl, headers }), "http/json");
  waitStarted = performance.now();
  spans = await collector.waitForSpans(4);
  console.log(
    `     exported in ${Math.round(took)} ms, in the file ${
      Math.round(performance.now() - waitStarted)
    } ms later`,
  );
  checkTrace(spans, "http/json");

  // 3. Configured only through the environment, exactly as a Grafana Cloud user would.
  Deno.env.set("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint);
  Deno.env.set("OTEL_EXPORTER_OTLP_HEADERS", collector.authHeader);
  try {
    await sendTrace(new ProtoExporter(), "env");
  } finally {
    Deno.env.delete("OTEL_EXPORTER_OTLP_ENDPOINT");
    Deno.env.delete("OTEL_EXPORTER_OTLP_HEADERS");
  }
  spans = await collector.waitForSpans(6);
  checkTrace(spans, "env");

  // 4. Refusals: none of these may reach the file.
  const count = spans.length;
  const span = await finishedSpan();
  const wrongAuthorization = `Basic ${btoa(`${USER}:wrong`)}`;
  const rejected = await exportOnce(
    new ProtoExporter({ url: collector.tracesUrl, headers: { Authorization: wrongAuthorization } }),
    span,
  );
  check(
    "wrong password: the exporter reports failure",
    rejected.code === ExportResultCode.FAILED,
    rejected.error.slice(0, 160),
  );
  const wrong = await rawPost(collector.tracesUrl, wrongAuthorization);
  check("wrong password: HTTP 401", wrong.status === 401, `${wrong.status} ${wrong.body}`);
  const none = await rawPost(collector.tracesUrl, null);
  check("no credentials: HTTP 401", none.status === 401, `${none.status} ${none.body}`);
  const bearer = await rawPost(collector.tracesUrl, `Bearer ${PASSWORD}`);
  check("bearer instead of basic: HTTP 401", bearer.status === 401, `${bearer.status} ${bearer.body}`);
  const unprefixed = await rawPost(`http://127.0.0.1:${collector.port}/v1/traces`, collector.authorization);
  check("path without /otlp: HTTP 404", unprefixed.status === 404, `${unprefixed.status} ${unprefixed.body}`);
  const good = await rawPost(collector.tracesUrl, collector.authorization);
  check("right password, empty request: HTTP 200", good.status === 200, `${good.status} ${good.body}`);
  await checkNothingWritten(collector, count, "refused requests");

  // 5. The debug exporter logs each batch; stop() flushes and the spans stay readable.
  check("debug exporter logged the batches", /Traces.*"spans": 1/.test(collector.logs()));
  await collector.stop();
  const final = await collector.readSpans();
  check("spans readable after stop()", final.length === count, `${final.length} spans`);

  console.log(`smoke: ${passed} passed, ${failed} failed`);
  if (failed > 0) console.log(`collector log:\n${collector.logs()}`);
  return failed === 0 ? 0 : 1;
}

Deno.exit(await main());
