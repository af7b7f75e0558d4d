/**
 * Proves tests/support/otlp_receiver.ts against real clients over real loopback sockets: hand-written
 * OTLP/JSON via fetch, protobuf from our own schema (plain and gzip), and above all the official
 * OpenTelemetry JS exporters (http/protobuf and http/json) fed by a real BasicTracerProvider.
 */
import assert from "node:assert/strict";
import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { OTLPTraceExporter as OTLPJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import {
  type ReceivedSpan,
  refusedEndpoint,
  startBlackHole,
  startOtlpReceiver,
} from "./support/otlp_receiver.ts";
import { decodeExportTraceServiceRequest, encodeExportTraceServiceRequest } from "./support/otlp_proto.ts";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const PARENT_ID = "b7ad6b7169203331";
const CHILD_ID = "00f067aa0ba902b7";

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** POSTs a body and returns status plus the answer's body, always consuming it so no resource leaks. */
async function post(
  url: string,
  body: BodyInit,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const res = await fetch(url, { method: "POST", body, headers });
  return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
}

/** Runs fn and returns what it rejected with; fails the test if it resolves. */
async function rejectionOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new assert.AssertionError({ message: "expected a rejection, but the promise resolved" });
}

function findSpan(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((s) => s.name === name);
  assert(span, `no span named ${name} among ${spans.map((s) => s.name).join(", ")}`);
  return span;
}

// ---- Hand-made payloads ---------------------------------------------------------------------------------

Deno.test("otlp receiver decodes OTLP/JSON from fetch: hex ids, string int64s, every AnyValue kind", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: "service.name", value: { stringValue: "json-client" } }] },
        scopeSpans: [{
          scope: { name: "hand-made", version: "0.0.1" },
          spans: [{
            traceId: TRACE_ID.toUpperCase(), // OTLP/JSON hex is case-insensitive; we report lowercase
            spanId: CHILD_ID,
            parentSpanId: PARENT_ID,
            traceState: "vendor=1",
            name: "llm.call",
            kind: 3,
            startTimeUnixNano: "1700000000000000001", // beyond 2^53: must survive as exact bigint
            endTimeUnixNano: 1700000000, // int64 may also arrive as a JSON number
            attributes: [
              { key: "str", value: { stringValue: "hello" } },
              { key: "bool", value: { boolValue: false } },
              { key: "int", value: { intValue: "7" } },
              { key: "bigint", value: { intValue: "9007199254740993" } },
              { key: "double", value: { doubleValue: 0.25 } },
              { key: "nan", value: { doubleValue: "NaN" } },
              { key: "array", value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: 2 }] } } },
              {
                key: "kvlist",
                value: { kvlistValue: { values: [{ key: "inner", value: { boolValue: true } }] } },
              },
              { key: "bytes", value: { bytesValue: btoa("\x01\x02\xff") } },
              { key: "empty", value: {} },
            ],
            events: [{ name: "retry", timeUnixNano: "1700000000000000002", attributes: [] }],
            links: [{
              traceId: TRACE_ID,
              spanId: PARENT_ID,
              attributes: [{ key: "why", value: { stringValue: "follows" } }],
            }],
            status: { code: 2, message: "rate limited" },
          }],
        }],
      }],
    };
    const res = await post(receiver.tracesUrl, JSON.stringify(body), {
      "Content-Type": "application/json; charset=utf-8",
    });
    assert.deepEqual(res.status, 200);
    assert.deepEqual(res.headers.get("content-type"), "application/json");
    assert.deepEqual(new TextDecoder().decode(res.body), "{}");

    assert.deepEqual(receiver.spans.length, 1);
    const span = receiver.spans[0];
    assert(span);
    assert.deepEqual(span.traceId, TRACE_ID);
    assert.deepEqual(span.spanId, CHILD_ID);
    assert.deepEqual(span.parentSpanId, PARENT_ID);
    assert.deepEqual(span.traceState, "vendor=1");
    assert.deepEqual(span.kind, 3);
    assert.deepEqual(span.startTimeUnixNano, 1700000000000000001n);
    assert.deepEqual(span.endTimeUnixNano, 1700000000n);
    assert.deepEqual(span.status, { code: 2, message: "rate limited" });
    assert.deepEqual(span.attributes.str, "hello");
    assert.deepEqual(span.attributes.bool, false);
    assert.deepEqual(span.attributes.int, 7);
    assert.deepEqual(span.attributes.bigint, 9007199254740993n);
    assert.deepEqual(span.attributes.double, 0.25);
    assert(Number.isNaN(span.attributes.nan));
    assert.deepEqual(span.attributes.array, ["a", 2]);
    assert.deepEqual(span.attributes.kvlist, { inner: true });
    assert.deepEqual(span.attributes.bytes, new Uint8Array([1, 2, 255]));
    assert.deepEqual(span.attributes.empty, null);
    assert.deepEqual(span.events, [{ name: "retry", timeUnixNano: 1700000000000000002n, attributes: {} }]);
    assert.deepEqual(span.links, [{ traceId: TRACE_ID, spanId: PARENT_ID, attributes: { why: "follows" } }]);
    assert.deepEqual(span.resource, { "service.name": "json-client" });
    assert.deepEqual(span.scope, { name: "hand-made", version: "0.0.1" });

    assert.deepEqual(receiver.requests.length, 1);
    assert.deepEqual(receiver.requests[0]?.protocol, "json");
    assert.deepEqual(receiver.requests[0]?.status, 200);
    // rawBodies holds exactly what was accepted, so tests can grep it for leaked secrets.
    assert(new TextDecoder().decode(receiver.rawBodies[0]).includes("rate limited"));
  } finally {
    await receiver.close();
  }
});

/** The same request in our own schema, as protobufjs plain-object input. */
function protobufRequest(): Record<string, unknown> {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "proto-client" } }] },
      scopeSpans: [{
        scope: { name: "hand-made", version: "0.0.2" },
        spans: [{
          traceId: hexToBytes(TRACE_ID),
          spanId: hexToBytes(PARENT_ID),
          name: "command",
          kind: 2,
          startTimeUnixNano: 1700000000000000001n,
          endTimeUnixNano: 1700000000000000999n,
          flags: 1,
          attributes: [
            { key: "int", value: { intValue: -5n } },
            { key: "zero", value: { intValue: 0n } }, // oneof presence: an explicit 0 must not vanish
            { key: "huge", value: { intValue: 9223372036854775807n } },
            { key: "bytes", value: { bytesValue: new Uint8Array([0, 1]) } },
          ],
          status: { code: 1 },
        }],
      }],
    }],
  };
}

Deno.test("otlp receiver decodes protobuf encoded with the OTLP schema, plain and gzip", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const bytes = encodeExportTraceServiceRequest(protobufRequest());
    // Sanity: our schema round-trips on its own before the receiver is involved.
    const roundTrip = decodeExportTraceServiceRequest(bytes).resourceSpans;
    assert.ok(Array.isArray(roundTrip) && roundTrip.length === 1);

    const plain = await post(receiver.tracesUrl, bytes, { "Content-Type": "application/x-protobuf" });
    assert.deepEqual(plain.status, 200);
    assert.deepEqual(plain.headers.get("content-type"), "application/x-protobuf");
    assert.deepEqual(plain.body.byteLength, 0); // an empty ExportTraceServiceResponse

    const compressed = await gzip(bytes);
    const zipped = await post(receiver.tracesUrl, compressed, {
      "Content-Type": "application/x-protobuf",
      "Content-Encoding": "gzip",
    });
    assert.deepEqual(zipped.status, 200);

    const spans = await receiver.waitForSpans(2);
    for (const span of spans) {
      assert.deepEqual(span.traceId, TRACE_ID);
      assert.deepEqual(span.spanId, PARENT_ID);
      assert.deepEqual(span.parentSpanId, "");
      assert.deepEqual(span.kind, 2);
      assert.deepEqual(span.startTimeUnixNano, 1700000000000000001n);
      assert.deepEqual(span.endTimeUnixNano, 1700000000000000999n);
      assert.deepEqual(span.attributes, {
        int: -5,
        zero: 0,
        huge: 9223372036854775807n,
        bytes: new Uint8Array([0, 1]),
      });
      assert.deepEqual(span.status, { code: 1, message: "" });
      assert.deepEqual(span.resource, { "service.name": "proto-client" });
      assert.deepEqual(span.scope, { name: "hand-made", version: "0.0.2" });
    }
    // bodyBytes counts the wire; rawBodies keeps the decompressed body.
    assert.deepEqual(receiver.requests.map((r) => r.bodyBytes), [bytes.byteLength, compressed.byteLength]);
    assert.deepEqual(receiver.rawBodies[1], bytes);
  } finally {
    await receiver.close();
  }
});

Deno.test("otlp receiver answers 400 to undecodable bodies and 415 to foreign content types, recording them", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const badJson = await post(receiver.tracesUrl, "{not json", { "Content-Type": "application/json" });
    assert.deepEqual(badJson.status, 400);
    const badIds = await post(
      receiver.tracesUrl,
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "CvdlGRbNQ92ESOshHIAxnA==" }] }] }],
      }),
      { "Content-Type": "application/json" },
    );
    assert.deepEqual(
      badIds.status,
      400,
      "base64 ids are plain proto-JSON, not OTLP/JSON, and must be refused",
    );
    const badProto = await post(receiver.tracesUrl, new Uint8Array([0x0a, 0xff, 0xff]), {
      "Content-Type": "application/x-protobuf",
    });
    assert.deepEqual(badProto.status, 400);
    const badGzip = await post(receiver.tracesUrl, new Uint8Array([1, 2, 3]), {
      "Content-Type": "application/x-protobuf",
      "Content-Encoding": "gzip",
    });
    assert.deepEqual(badGzip.status, 400);
    const text = await post(receiver.tracesUrl, "hi", { "Content-Type": "text/plain" });
    assert.deepEqual(text.status, 415);

    assert.deepEqual(receiver.requests.map((r) => r.status), [400, 400, 400, 400, 415]);
    assert.deepEqual(receiver.requests.map((r) => r.protocol), [
      "json",
      "json",
      "protobuf",
      "protobuf",
      "unknown",
    ]);
    assert.deepEqual(receiver.spans, []);
    assert.deepEqual(receiver.rawBodies, []);
  } finally {
    await receiver.close();
  }
});

// ---- The official exporters ---------------------------------------------------------------------------

type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPProtoTraceExporter>[0]>;
type Compression = NonNullable<ExporterConfig["compression"]>;

interface SampleIds {
  traceId: string;
  parentId: string;
  childId: string;
}

/** Runs a parent and a child span through a real BasicTracerProvider into the given exporter. */
async function exportSampleTrace(exporter: SpanExporter): Promise<SampleIds> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.name": "kodelet-receiver-test",
      "deployment.environment": "test",
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  try {
    const tracer = provider.getTracer("kodelet-test-scope", "1.2.3");
    const parent: Span = tracer.startSpan("kodelet.run", {
      kind: SpanKind.SERVER,
      attributes: {
        "kodelet.command": "run",
        "kodelet.turns": 3,
        "kodelet.temperature": 0.5,
        "kodelet.interactive": false,
        "kodelet.tools": ["bash", "grep"],
        "kodelet.sizes": [1, 2, 3],
      },
    });
    // Parent it explicitly: no global context manager is registered in tests (it is process-wide state).
    const child = tracer.startSpan(
      "gen_ai.chat",
      {
        kind: SpanKind.CLIENT,
        links: [{
          context: { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1 },
          attributes: { "link.reason": "resumed" },
        }],
      },
      trace.setSpan(context.active(), parent),
    );
    child.setAttribute("gen_ai.usage.input_tokens", 1234);
    child.addEvent("tool.call", { "tool.name": "bash", "tool.attempt": 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: "tool failed" });
    parent.setStatus({ code: SpanStatusCode.OK });
    child.end();
    parent.end();
    await provider.forceFlush();
    return {
      traceId: parent.spanContext().traceId,
      parentId: parent.spanContext().spanId,
      childId: child.spanContext().spanId,
    };
  } finally {
    await provider.shutdown();
  }
}

function assertSampleTrace(spans: ReceivedSpan[], ids: SampleIds): void {
  assert.deepEqual(spans.length, 2);
  const parent = findSpan(spans, "kodelet.run");
  const child = findSpan(spans, "gen_ai.chat");

  assert.match(parent.traceId, /^[0-9a-f]{32}$/);
  assert.deepEqual(parent.traceId, ids.traceId);
  assert.deepEqual(child.traceId, ids.traceId);
  assert.deepEqual(parent.spanId, ids.parentId);
  assert.deepEqual(child.spanId, ids.childId);
  assert.deepEqual(parent.parentSpanId, "");
  assert.deepEqual(child.parentSpanId, ids.parentId);

  // OTLP kinds are the API's SpanKind + 1 (OTLP reserves 0 for "unspecified").
  assert.deepEqual(parent.kind, 2);
  assert.deepEqual(child.kind, 3);
  assert.deepEqual(parent.attributes, {
    "kodelet.command": "run",
    "kodelet.turns": 3,
    "kodelet.temperature": 0.5,
    "kodelet.interactive": false,
    "kodelet.tools": ["bash", "grep"],
    "kodelet.sizes": [1, 2, 3],
  });
  assert.deepEqual(child.attributes, { "gen_ai.usage.input_tokens": 1234 });
  assert.deepEqual(parent.status, { code: 1, message: "" });
  assert.deepEqual(child.status, { code: 2, message: "tool failed" });

  assert.deepEqual(child.events.length, 1);
  assert.deepEqual(child.events[0]?.name, "tool.call");
  assert.deepEqual(child.events[0]?.attributes, { "tool.name": "bash", "tool.attempt": 2 });
  const eventTime = child.events[0]?.timeUnixNano ?? 0n;
  assert(eventTime >= child.startTimeUnixNano && eventTime <= child.endTimeUnixNano, "event inside its span");
  assert.deepEqual(child.links, [{
    traceId: TRACE_ID,
    spanId: PARENT_ID,
    attributes: { "link.reason": "resumed" },
  }]);

  assert(parent.endTimeUnixNano >= parent.startTimeUnixNano);
  // A sane wall clock: after 2020-01-01 in nanoseconds.
  assert(parent.startTimeUnixNano > 1_577_836_800_000_000_000n);

  for (const span of spans) {
    assert.deepEqual(span.resource["service.name"], "kodelet-receiver-test");
    assert.deepEqual(span.resource["deployment.environment"], "test");
    assert.deepEqual(span.scope, { name: "kodelet-test-scope", version: "1.2.3" });
  }
}

Deno.test("otlp receiver accepts a parent/child trace from the official http/protobuf exporter", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const ids = await exportSampleTrace(new OTLPProtoTraceExporter({ url: receiver.tracesUrl }));
    assertSampleTrace(await receiver.waitForSpans(2), ids);
    assert(receiver.requests.length >= 1);
    for (const request of receiver.requests) {
      assert.deepEqual(request.protocol, "protobuf");
      assert.deepEqual(request.status, 200);
      assert.deepEqual(request.headers.get("content-type"), "application/x-protobuf");
      assert.match(request.headers.get("user-agent") ?? "", /^OTel-OTLP-Exporter-JavaScript\//);
    }
  } finally {
    await receiver.close();
  }
});

Deno.test("otlp receiver accepts a parent/child trace from the official http/json exporter", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const ids = await exportSampleTrace(new OTLPJsonTraceExporter({ url: receiver.tracesUrl }));
    assertSampleTrace(await receiver.waitForSpans(2), ids);
    for (const request of receiver.requests) {
      assert.deepEqual(request.protocol, "json");
      assert.deepEqual(request.status, 200);
    }
    // The JSON exporter writes OTLP/JSON proper: hex ids (not proto-JSON base64) and int64 times as strings.
    const json = new TextDecoder().decode(receiver.rawBodies[0]);
    assert(json.includes(`"traceId":"${ids.traceId}"`), json);
    assert.match(json, /"startTimeUnixNano":"\d+"/);
  } finally {
    await receiver.close();
  }
});

Deno.test("otlp receiver decompresses gzip sent by the official http/protobuf exporter", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const exporter = new OTLPProtoTraceExporter({
      url: receiver.tracesUrl,
      compression: "gzip" as Compression,
    });
    const ids = await exportSampleTrace(exporter);
    assertSampleTrace(await receiver.waitForSpans(2), ids);
    for (const request of receiver.requests) {
      assert.deepEqual(request.headers.get("content-encoding"), "gzip");
      assert.deepEqual(request.status, 200);
    }
  } finally {
    await receiver.close();
  }
});

// ---- Gateway emulation and faults -----------------------------------------------------------------------

Deno.test("otlp receiver with basic auth answers 401 to a wrong or missing password and records no span", async () => {
  const receiver = await startOtlpReceiver({ basicAuth: { user: "123456", password: "glc_secret" } });
  try {
    const body = encodeExportTraceServiceRequest(protobufRequest());
    const headers = (auth?: string): Record<string, string> => ({
      "Content-Type": "application/x-protobuf",
      ...(auth === undefined ? {} : { Authorization: auth }),
    });
    const wrong = await post(receiver.tracesUrl, body, headers(`Basic ${btoa("123456:nope")}`));
    assert.deepEqual(wrong.status, 401);
    assert.deepEqual(wrong.headers.get("www-authenticate"), 'Basic realm="otlp"');
    const missing = await post(receiver.tracesUrl, body, headers());
    assert.deepEqual(missing.status, 401);
    assert.deepEqual(receiver.spans, []);
    assert.deepEqual(receiver.rawBodies, []);

    // The real exporter with the header a Grafana Cloud user configures gets through.
    const exporter = new OTLPProtoTraceExporter({
      url: receiver.tracesUrl,
      headers: { Authorization: `Basic ${btoa("123456:glc_secret")}` },
    });
    const ids = await exportSampleTrace(exporter);
    assertSampleTrace(await receiver.waitForSpans(2), ids);
    assert.deepEqual(receiver.requests.slice(0, 2).map((r) => r.status), [401, 401]);
    assert(receiver.requests.slice(2).every((r) => r.status === 200));
  } finally {
    await receiver.close();
  }
});

Deno.test("otlp receiver with a path prefix accepts only {prefix}/v1/{traces,metrics,logs} and answers 404 elsewhere", async () => {
  const receiver = await startOtlpReceiver({ pathPrefix: "/otlp/" });
  try {
    assert.deepEqual(receiver.url, `http://127.0.0.1:${receiver.port}/otlp`);
    assert.deepEqual(receiver.tracesUrl, `http://127.0.0.1:${receiver.port}/otlp/v1/traces`);
    const body = encodeExportTraceServiceRequest(protobufRequest());
    const headers = { "Content-Type": "application/x-protobuf" };
    const unprefixed = await post(`http://127.0.0.1:${receiver.port}/v1/traces`, body, headers);
    assert.deepEqual(unprefixed.status, 404);
    const other = await post(`${receiver.url}/v1/profiles`, body, headers);
    assert.deepEqual(other.status, 404);
    // A trace request is no metrics request: empty fields decode, unknown ones are skipped; the
    // body is valid protobuf either way, so the metrics path takes it and finds nothing in it.
    const metrics = await post(`${receiver.url}/v1/metrics`, new Uint8Array(), headers);
    assert.deepEqual(metrics.status, 200);
    assert.deepEqual(receiver.spans, []);
    assert.deepEqual(receiver.metrics, []);

    const ok = await post(receiver.tracesUrl, body, headers);
    assert.deepEqual(ok.status, 200);
    assert.deepEqual(receiver.spans.length, 1);
    assert.deepEqual(receiver.requests.map((r) => [r.path, r.status]), [
      ["/v1/traces", 404],
      ["/otlp/v1/profiles", 404],
      ["/otlp/v1/metrics", 200],
      ["/otlp/v1/traces", 200],
    ]);
  } finally {
    await receiver.close();
  }
});

Deno.test("otlp receiver faults: 429 and 503 carry Retry-After, 500 does not, and setFault switches back", async () => {
  const receiver = await startOtlpReceiver({ fault: "429", retryAfterSeconds: 7 });
  try {
    const body = encodeExportTraceServiceRequest(protobufRequest());
    const headers = { "Content-Type": "application/x-protobuf" };

    const throttled = await post(receiver.tracesUrl, body, headers);
    assert.deepEqual(throttled.status, 429);
    assert.deepEqual(throttled.headers.get("retry-after"), "7");

    receiver.setFault("503");
    const unavailable = await post(receiver.tracesUrl, body, headers);
    assert.deepEqual(unavailable.status, 503);
    assert.deepEqual(unavailable.headers.get("retry-after"), "7");

    receiver.setFault("500");
    const broken = await post(receiver.tracesUrl, body, headers);
    assert.deepEqual(broken.status, 500);
    assert.deepEqual(broken.headers.get("retry-after"), null);
    assert.deepEqual(receiver.spans, []);

    receiver.setFault("none");
    const ok = await post(receiver.tracesUrl, body, headers);
    assert.deepEqual(ok.status, 200);
    assert.deepEqual(receiver.requests.map((r) => r.status), [429, 503, 500, 200]);
    assert.deepEqual(receiver.spans.length, 1);
  } finally {
    await receiver.close();
  }
});

Deno.test("otlp receiver waitForSpans rejects on timeout with a message naming what it saw", async () => {
  const receiver = await startOtlpReceiver({ fault: "503" });
  try {
    const res = await post(receiver.tracesUrl, encodeExportTraceServiceRequest(protobufRequest()), {
      "Content-Type": "application/x-protobuf",
    });
    assert.deepEqual(res.status, 503);
    const err = await rejectionOf(() => receiver.waitForSpans(1, 50));
    assert.ok(err instanceof Error, String(err));
    assert.match(err.message, /expected at least 1 span\(s\) within 50 ms, got 0/);
    assert.match(err.message, /POST \/v1\/traces -> 503/);
  } finally {
    await receiver.close();
  }
});

// ---- Endpoints that are not HTTP servers ----------------------------------------------------------------

Deno.test("refusedEndpoint returns a URL where connecting is refused, so fetch rejects", async () => {
  const url = await refusedEndpoint();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const err = await rejectionOf(() => fetch(`${url}/v1/traces`, { method: "POST", body: "x" }));
  assert.ok(err instanceof TypeError, String(err));
});

Deno.test("startBlackHole accepts the connection but never answers, so fetch times out", async () => {
  const hole = await startBlackHole();
  try {
    const err = await rejectionOf(() =>
      fetch(`${hole.url}/v1/traces`, { method: "POST", body: "x", signal: AbortSignal.timeout(300) })
    );
    assert.ok(err instanceof DOMException, String(err));
    assert.deepEqual(err.name, "TimeoutError");
    assert.deepEqual(hole.connections, 1);
  } finally {
    await hole.close();
  }
});
