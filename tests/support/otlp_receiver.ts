/**
 * A real OTLP/HTTP trace receiver for tests: a Deno.serve server on 127.0.0.1 that accepts
 * `POST {prefix}/v1/traces` in http/protobuf and http/json (optionally gzip-compressed), decodes the
 * spans, and can emulate what exporters meet in the field (a gateway path prefix, basic auth, 429/503
 * with Retry-After, 500). Also two endpoints that are not HTTP servers at all: a port where nothing
 * listens, and a TCP "black hole" that accepts and never answers.
 */
import {
  decodeExportTraceServiceRequest,
  decodeSignalRequest,
  ExportTraceServiceResponse,
  RpcStatus,
} from "./otlp_proto.ts";

/** One decoded span, flattened to plain JS values so tests can assert on it directly. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string; // lowercase hex, "" when absent
  traceState: string;
  name: string;
  kind: number; // OTLP enum: 0 unspecified,1 internal,2 server,3 client,4 producer,5 consumer
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, unknown>;
  status: { code: number; message: string }; // 0 unset, 1 ok, 2 error
  events: { name: string; timeUnixNano: bigint; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

/** One metric data point, flattened out of its metric, scope and resource. */
export interface ReceivedMetricPoint {
  name: string;
  description: string;
  unit: string;
  kind: "sum" | "gauge" | "histogram";
  /** OTLP AggregationTemporality: 1 delta, 2 cumulative; 0 for gauges. */
  temporality: number;
  monotonic: boolean;
  attributes: Record<string, unknown>;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** Sums and gauges. */
  value: number;
  /** Histograms. */
  count: number;
  sum: number;
  bucketCounts: number[];
  explicitBounds: number[];
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

/** One log record, flattened out of its scope and resource. */
export interface ReceivedLogRecord {
  timeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Record<string, unknown>;
  /** Lowercase hex, "" when absent. */
  traceId: string;
  spanId: string;
  eventName: string;
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

/** One HTTP request the receiver saw, whatever it answered. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Headers;
  /** From Content-Type; "unknown" when it is neither OTLP encoding (such requests get 415, or 404/401 first). */
  protocol: "json" | "protobuf" | "unknown";
  /** Body size as sent on the wire, i.e. before gzip decompression. */
  bodyBytes: number;
  /** The HTTP status we answered. */
  status: number;
}

/** A failure the receiver can be told to answer every trace request with. */
export type ReceiverFault = "none" | "403" | "500" | "429" | "503";

/** How the receiver behaves; every field is optional. */
export interface OtlpReceiverOptions {
  /** e.g. "/otlp" to emulate the Grafana Cloud gateway; only `${pathPrefix}/v1/traces` accepts traces. */
  pathPrefix?: string;
  /** When set, a missing or wrong `Authorization: Basic` header gets 401 and nothing is recorded. */
  basicAuth?: { user: string; password: string };
  /** Answer every trace request with this status (429 and 503 carry Retry-After). */
  fault?: ReceiverFault;
  /** Retry-After value for 429/503; default 1. */
  retryAfterSeconds?: number;
  /** Awaited before each request is answered: what happens while an export is on the wire. */
  beforeAnswer?: () => Promise<void>;
}

/** A running receiver and everything it has seen. */
export interface OtlpReceiver {
  /** Base endpoint for OTEL_EXPORTER_OTLP_ENDPOINT, including the path prefix. */
  url: string;
  /** url + "/v1/traces", for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or an exporter's `url`. */
  tracesUrl: string;
  port: number;
  /** Every accepted span, in arrival order. */
  spans: ReceivedSpan[];
  /** url + "/v1/metrics" and url + "/v1/logs". */
  metricsUrl: string;
  logsUrl: string;
  /** Every accepted metric point and log record, in arrival order. */
  metrics: ReceivedMetricPoint[];
  logs: ReceivedLogRecord[];
  /** Polls until `ready(metrics, logs)` holds; rejects after timeoutMs (default 5000). */
  waitFor(
    ready: (received: { metrics: ReceivedMetricPoint[]; logs: ReceivedLogRecord[] }) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  /** Every request seen, accepted or not. */
  requests: ReceivedRequest[];
  /** Decompressed bodies of accepted requests, for grepping leaked secrets. */
  rawBodies: Uint8Array[];
  /** Switch the fault mode for the requests that follow. */
  setFault(fault: ReceiverFault): void;
  /** Forget every span, request and body seen so far (waiters keep waiting). */
  clear(): void;
  /** Resolves with a snapshot once spans.length >= count; rejects after timeoutMs (default 5000). */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Stop the server, rejecting pending waiters; resolves once every connection is closed. */
  close(): Promise<void>;
}

/** A body that cannot be decoded as OTLP: answered with 400. */
class BadRequest extends Error {}

/** A Content-Encoding we do not speak: answered with 415. */
class UnsupportedEncoding extends Error {}

type Protocol = ReceivedRequest["protocol"];

function protocolOf(contentType: string | null): Protocol {
  // Parameters such as "; charset=utf-8" are legal after the media type.
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json") return "json";
  if (mediaType === "application/x-protobuf") return "protobuf";
  return "unknown";
}

// gRPC codes for the google.rpc.Status body OTLP/HTTP asks servers to send with errors.
const RPC_CODE: Record<number, number> = {
  400: 3,
  401: 16,
  404: 5,
  405: 12,
  415: 3,
  429: 8,
  500: 13,
  503: 14,
};

function errorResponse(
  status: number,
  message: string,
  protocol: Protocol,
  headers: HeadersInit = {},
): Response {
  const h = new Headers(headers);
  const code = RPC_CODE[status] ?? 2;
  if (protocol === "protobuf") {
    h.set("Content-Type", "application/x-protobuf");
    const bytes = new Uint8Array(RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish());
    return new Response(bytes, { status, headers: h });
  }
  if (protocol === "json") {
    h.set("Content-Type", "application/json");
    return new Response(JSON.stringify({ code, message }), { status, headers: h });
  }
  h.set("Content-Type", "text/plain; charset=utf-8");
  return new Response(message, { status, headers: h });
}

function successResponse(protocol: "json" | "protobuf"): Response {
  if (protocol === "json") {
    return new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } });
  }
  // An empty ExportTraceServiceResponse encodes to zero bytes; encode it anyway so the intent is visible.
  const bytes = new Uint8Array(
    ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create()).finish(),
  );
  return new Response(bytes, { status: 200, headers: { "Content-Type": "application/x-protobuf" } });
}

async function decompress(body: Uint8Array<ArrayBuffer>, encoding: string | null): Promise<Uint8Array> {
  const name = (encoding ?? "").trim().toLowerCase();
  if (name === "" || name === "identity") return body;
  if (name !== "gzip") throw new UnsupportedEncoding(`unsupported Content-Encoding: ${name}`);
  try {
    const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new BadRequest(`gzip body does not decompress: ${String(err)}`);
  }
}

function basicAuthMatches(header: string | null, expected: { user: string; password: string }): boolean {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  let decoded: string;
  try {
    // atob yields one char per byte; re-decode as UTF-8 so non-ASCII passwords compare correctly.
    decoded = new TextDecoder().decode(Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0)));
  } catch {
    return false;
  }
  return decoded === `${expected.user}:${expected.password}`;
}

// ---- Decoding: one normaliser for both encodings -------------------------------------------------------
// protobufjs' toObject and OTLP/JSON share lowerCamelCase field names; they differ only in value types
// (Uint8Array vs hex/base64 strings, bigint vs string/number int64s), which the readers below tell apart
// at run time. Absent and null both mean "the proto3 default", as in the protobuf JSON mapping.

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Uint8Array);
}

function readObj(value: unknown, what: string): Obj {
  if (value === undefined || value === null) return {};
  if (!isObj(value)) throw new BadRequest(`${what} must be an object`);
  return value;
}

function readList(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadRequest(`${what} must be an array`);
  return value;
}

function readString(value: unknown, what: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new BadRequest(`${what} must be a string`);
  return value;
}

/** Enums and uint32s: OTLP/JSON requires enums as integers, so names are rejected here on purpose. */
function readInt(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new BadRequest(`${what} must be an integer`);
  }
  return value;
}

/** 64-bit integers: bigint from protobufjs; decimal string or number from OTLP/JSON. */
function readBigInt(value: unknown, what: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  throw new BadRequest(`${what} must be a 64-bit integer (number or decimal string)`);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Trace/span ids: raw bytes from protobuf, hex strings from OTLP/JSON (not base64, unlike plain proto JSON). */
function readId(value: unknown, what: string): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Uint8Array) return Array.from(value, (b) => HEX[b]).join("");
  if (typeof value === "string" && /^(?:[0-9a-fA-F]{2})*$/.test(value)) return value.toLowerCase();
  throw new BadRequest(`${what} must be a hex string`);
}

/** bytes_value: raw bytes from protobuf, base64 from OTLP/JSON. */
function readBytes(value: unknown, what: string): Uint8Array {
  // Copy: protobufjs hands out Node Buffers (views into the request body) under Deno's npm compat.
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (typeof value === "string") {
    try {
      return Uint8Array.from(atob(value.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
    } catch {
      throw new BadRequest(`${what} must be base64`);
    }
  }
  throw new BadRequest(`${what} must be bytes`);
}

function readDouble(value: unknown, what: string): number {
  if (typeof value === "number") return value;
  // The protobuf JSON mapping spells the non-finite doubles as strings.
  if (value === "NaN") return NaN;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  throw new BadRequest(`${what} must be a number`);
}

/** AnyValue -> JS: int64 becomes a number when it is exact, else stays bigint; an empty AnyValue is null. */
function readAnyValue(value: unknown, what: string): unknown {
  const v = readObj(value, what);
  if (v.stringValue !== undefined && v.stringValue !== null) return readString(v.stringValue, what);
  if (v.boolValue !== undefined && v.boolValue !== null) {
    if (typeof v.boolValue !== "boolean") throw new BadRequest(`${what}.boolValue must be a boolean`);
    return v.boolValue;
  }
  if (v.intValue !== undefined && v.intValue !== null) {
    const n = readBigInt(v.intValue, `${what}.intValue`);
    const asNumber = Number(n);
    return Number.isSafeInteger(asNumber) ? asNumber : n;
  }
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    return readDouble(v.doubleValue, `${what}.doubleValue`);
  }
  if (v.arrayValue !== undefined && v.arrayValue !== null) {
    const values = readList(readObj(v.arrayValue, `${what}.arrayValue`).values, `${what}.arrayValue.values`);
    return values.map((item, i) => readAnyValue(item, `${what}.arrayValue.values[${i}]`));
  }
  if (v.kvlistValue !== undefined && v.kvlistValue !== null) {
    return readAttributes(readObj(v.kvlistValue, `${what}.kvlistValue`).values, `${what}.kvlistValue.values`);
  }
  if (v.bytesValue !== undefined && v.bytesValue !== null) {
    return readBytes(v.bytesValue, `${what}.bytesValue`);
  }
  return null;
}

function readAttributes(value: unknown, what: string): Record<string, unknown> {
  // fromEntries defines own properties, so a key like "__proto__" cannot reach the prototype.
  return Object.fromEntries(
    readList(value, what).map((item, i) => {
      const kv = readObj(item, `${what}[${i}]`);
      return [readString(kv.key, `${what}[${i}].key`), readAnyValue(kv.value, `${what}[${i}].value`)];
    }),
  );
}

function readSpan(
  value: unknown,
  what: string,
  resource: Record<string, unknown>,
  scope: ReceivedSpan["scope"],
) {
  const s = readObj(value, what);
  const status = readObj(s.status, `${what}.status`);
  const span: ReceivedSpan = {
    traceId: readId(s.traceId, `${what}.traceId`),
    spanId: readId(s.spanId, `${what}.spanId`),
    parentSpanId: readId(s.parentSpanId, `${what}.parentSpanId`),
    traceState: readString(s.traceState, `${what}.traceState`),
    name: readString(s.name, `${what}.name`),
    kind: readInt(s.kind, `${what}.kind`),
    startTimeUnixNano: readBigInt(s.startTimeUnixNano, `${what}.startTimeUnixNano`),
    endTimeUnixNano: readBigInt(s.endTimeUnixNano, `${what}.endTimeUnixNano`),
    attributes: readAttributes(s.attributes, `${what}.attributes`),
    status: {
      code: readInt(status.code, `${what}.status.code`),
      message: readString(status.message, `${what}.status.message`),
    },
    events: readList(s.events, `${what}.events`).map((item, i) => {
      const e = readObj(item, `${what}.events[${i}]`);
      return {
        name: readString(e.name, `${what}.events[${i}].name`),
        timeUnixNano: readBigInt(e.timeUnixNano, `${what}.events[${i}].timeUnixNano`),
        attributes: readAttributes(e.attributes, `${what}.events[${i}].attributes`),
      };
    }),
    links: readList(s.links, `${what}.links`).map((item, i) => {
      const l = readObj(item, `${what}.links[${i}]`);
      return {
        traceId: readId(l.traceId, `${what}.links[${i}].traceId`),
        spanId: readId(l.spanId, `${what}.links[${i}].spanId`),
        attributes: readAttributes(l.attributes, `${what}.links[${i}].attributes`),
      };
    }),
    resource,
    scope,
  };
  return span;
}

/** Flattens a decoded ExportTraceServiceRequest (either encoding) to spans; throws BadRequest on bad shapes. */
function readExportRequest(value: unknown): ReceivedSpan[] {
  if (!isObj(value)) throw new BadRequest("body must be an ExportTraceServiceRequest object");
  const spans: ReceivedSpan[] = [];
  readList(value.resourceSpans, "resourceSpans").forEach((rsValue, r) => {
    const rs = readObj(rsValue, `resourceSpans[${r}]`);
    const resourceObj = readObj(rs.resource, `resourceSpans[${r}].resource`);
    const resource = readAttributes(resourceObj.attributes, `resourceSpans[${r}].resource.attributes`);
    readList(rs.scopeSpans, `resourceSpans[${r}].scopeSpans`).forEach((ssValue, s) => {
      const where = `resourceSpans[${r}].scopeSpans[${s}]`;
      const ss = readObj(ssValue, where);
      const scopeObj = readObj(ss.scope, `${where}.scope`);
      const scope = {
        name: readString(scopeObj.name, `${where}.scope.name`),
        version: readString(scopeObj.version, `${where}.scope.version`),
      };
      readList(ss.spans, `${where}.spans`).forEach((spanValue, i) => {
        spans.push(readSpan(spanValue, `${where}.spans[${i}]`, resource, scope));
      });
    });
  });
  return spans;
}

function readScope(value: unknown, what: string): { name: string; version: string } {
  const scope = readObj(value, what);
  return {
    name: readString(scope.name, `${what}.name`),
    version: readString(scope.version, `${what}.version`),
  };
}

function readNumberValue(point: Obj, what: string): number {
  if (point.asDouble !== undefined && point.asDouble !== null) {
    return readDouble(point.asDouble, `${what}.asDouble`);
  }
  return Number(readBigInt(point.asInt, `${what}.asInt`));
}

/** Flattens an ExportMetricsServiceRequest (either encoding) to points. */
function readMetricsRequest(value: unknown): ReceivedMetricPoint[] {
  if (!isObj(value)) throw new BadRequest("body must be an ExportMetricsServiceRequest object");
  const points: ReceivedMetricPoint[] = [];
  readList(value.resourceMetrics, "resourceMetrics").forEach((rmValue, r) => {
    const rm = readObj(rmValue, `resourceMetrics[${r}]`);
    const resource = readAttributes(
      readObj(rm.resource, "resource").attributes,
      `resourceMetrics[${r}].resource`,
    );
    readList(rm.scopeMetrics, `resourceMetrics[${r}].scopeMetrics`).forEach((smValue, s) => {
      const where = `resourceMetrics[${r}].scopeMetrics[${s}]`;
      const sm = readObj(smValue, where);
      const scope = readScope(sm.scope, `${where}.scope`);
      readList(sm.metrics, `${where}.metrics`).forEach((metricValue, m) => {
        const at = `${where}.metrics[${m}]`;
        const metric = readObj(metricValue, at);
        const kind = metric.histogram ? "histogram" : metric.sum ? "sum" : metric.gauge ? "gauge" : undefined;
        if (!kind) throw new BadRequest(`${at} has no gauge, sum or histogram`);
        const data = readObj(metric[kind], `${at}.${kind}`);
        readList(data.dataPoints, `${at}.${kind}.dataPoints`).forEach((pointValue, i) => {
          const pat = `${at}.${kind}.dataPoints[${i}]`;
          const point = readObj(pointValue, pat);
          points.push({
            name: readString(metric.name, `${at}.name`),
            description: readString(metric.description, `${at}.description`),
            unit: readString(metric.unit, `${at}.unit`),
            kind,
            temporality: readInt(data.aggregationTemporality, `${at}.aggregationTemporality`),
            monotonic: data.isMonotonic === true,
            attributes: readAttributes(point.attributes, `${pat}.attributes`),
            startTimeUnixNano: readBigInt(point.startTimeUnixNano, `${pat}.startTimeUnixNano`),
            timeUnixNano: readBigInt(point.timeUnixNano, `${pat}.timeUnixNano`),
            value: kind === "histogram" ? 0 : readNumberValue(point, pat),
            count: kind === "histogram" ? Number(readBigInt(point.count, `${pat}.count`)) : 0,
            sum: kind === "histogram" && point.sum !== undefined && point.sum !== null
              ? readDouble(point.sum, `${pat}.sum`)
              : 0,
            bucketCounts: readList(point.bucketCounts, `${pat}.bucketCounts`).map((count) =>
              Number(readBigInt(count, `${pat}.bucketCounts`))
            ),
            explicitBounds: readList(point.explicitBounds, `${pat}.explicitBounds`).map((bound) =>
              readDouble(bound, `${pat}.explicitBounds`)
            ),
            resource,
            scope,
          });
        });
      });
    });
  });
  return points;
}

/** Flattens an ExportLogsServiceRequest (either encoding) to records. */
function readLogsRequest(value: unknown): ReceivedLogRecord[] {
  if (!isObj(value)) throw new BadRequest("body must be an ExportLogsServiceRequest object");
  const records: ReceivedLogRecord[] = [];
  readList(value.resourceLogs, "resourceLogs").forEach((rlValue, r) => {
    const rl = readObj(rlValue, `resourceLogs[${r}]`);
    const resource = readAttributes(
      readObj(rl.resource, "resource").attributes,
      `resourceLogs[${r}].resource`,
    );
    readList(rl.scopeLogs, `resourceLogs[${r}].scopeLogs`).forEach((slValue, s) => {
      const where = `resourceLogs[${r}].scopeLogs[${s}]`;
      const sl = readObj(slValue, where);
      const scope = readScope(sl.scope, `${where}.scope`);
      readList(sl.logRecords, `${where}.logRecords`).forEach((recordValue, i) => {
        const at = `${where}.logRecords[${i}]`;
        const record = readObj(recordValue, at);
        records.push({
          timeUnixNano: readBigInt(record.timeUnixNano, `${at}.timeUnixNano`),
          severityNumber: readInt(record.severityNumber, `${at}.severityNumber`),
          severityText: readString(record.severityText, `${at}.severityText`),
          body: record.body === undefined || record.body === null
            ? null
            : readAnyValue(record.body, `${at}.body`),
          attributes: readAttributes(record.attributes, `${at}.attributes`),
          traceId: readId(record.traceId, `${at}.traceId`),
          spanId: readId(record.spanId, `${at}.spanId`),
          eventName: readString(record.eventName, `${at}.eventName`),
          resource,
          scope,
        });
      });
    });
  });
  return records;
}

function decodeSignal(body: Uint8Array, protocol: "json" | "protobuf", signal: "metrics" | "logs"): unknown {
  try {
    return protocol === "json"
      ? JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body))
      : decodeSignalRequest(signal, body);
  } catch (err) {
    throw new BadRequest(`body is not a valid ${protocol} ${signal} export request: ${String(err)}`);
  }
}

function decodeBody(body: Uint8Array, protocol: "json" | "protobuf"): ReceivedSpan[] {
  let decoded: unknown;
  try {
    decoded = protocol === "json"
      ? JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body))
      : decodeExportTraceServiceRequest(body);
  } catch (err) {
    throw new BadRequest(`body is not a valid ${protocol} ExportTraceServiceRequest: ${String(err)}`);
  }
  return readExportRequest(decoded);
}

// ---- The server ----------------------------------------------------------------------------------------

function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? "").replace(/\/+$/, "");
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

interface Waiter {
  count: number;
  resolve: (spans: ReceivedSpan[]) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Starts a quiet OTLP/HTTP trace receiver on an ephemeral 127.0.0.1 port. */
export function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const prefix = normalisePrefix(options.pathPrefix);
  const tracesPath = `${prefix}/v1/traces`;
  const signalPaths: Record<string, "metrics" | "logs"> = {
    [`${prefix}/v1/metrics`]: "metrics",
    [`${prefix}/v1/logs`]: "logs",
  };
  const metrics: ReceivedMetricPoint[] = [];
  const logs: ReceivedLogRecord[] = [];
  const basicAuth = options.basicAuth;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  let fault: ReceiverFault = options.fault ?? "none";

  const spans: ReceivedSpan[] = [];
  const requests: ReceivedRequest[] = [];
  const rawBodies: Uint8Array[] = [];
  const waiters = new Set<Waiter>();

  const notify = () => {
    for (const waiter of waiters) {
      if (spans.length >= waiter.count) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        waiter.resolve(spans.slice());
      }
    }
  };

  const handle = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    const protocol = protocolOf(req.headers.get("content-type"));
    // Always read the whole body first: answering before the upload ends makes some clients see a reset.
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = new Uint8Array(await req.arrayBuffer());
    } catch {
      body = new Uint8Array();
    }
    await options.beforeAnswer?.();
    const answer = (response: Response): Response => {
      requests.push({
        method: req.method,
        path,
        headers: req.headers,
        protocol,
        bodyBytes: body.byteLength,
        status: response.status,
      });
      return response;
    };

    const signal = signalPaths[path];
    if (path !== tracesPath && signal === undefined) {
      return answer(errorResponse(404, `no OTLP endpoint at ${path}`, protocol));
    }
    if (req.method !== "POST") {
      return answer(errorResponse(405, "OTLP traces need POST", protocol, { Allow: "POST" }));
    }
    if (basicAuth && !basicAuthMatches(req.headers.get("authorization"), basicAuth)) {
      return answer(
        errorResponse(401, "invalid or missing basic auth", protocol, {
          "WWW-Authenticate": 'Basic realm="otlp"',
        }),
      );
    }
    if (fault !== "none") {
      const status = Number(fault);
      const headers: HeadersInit = status === 500 ? {} : { "Retry-After": retryAfter };
      return answer(errorResponse(status, `injected fault ${fault}`, protocol, headers));
    }
    if (protocol === "unknown") {
      return answer(
        errorResponse(415, "Content-Type must be application/x-protobuf or application/json", protocol),
      );
    }
    try {
      const raw = await decompress(body, req.headers.get("content-encoding"));
      if (signal === "metrics") metrics.push(...readMetricsRequest(decodeSignal(raw, protocol, signal)));
      else if (signal === "logs") logs.push(...readLogsRequest(decodeSignal(raw, protocol, signal)));
      else spans.push(...decodeBody(raw, protocol));
      rawBodies.push(raw);
      notify();
      return answer(successResponse(protocol));
    } catch (err) {
      if (err instanceof UnsupportedEncoding) return answer(errorResponse(415, err.message, protocol));
      if (err instanceof BadRequest) return answer(errorResponse(400, err.message, protocol));
      return answer(errorResponse(500, `receiver bug: ${String(err)}`, protocol));
    }
  };

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      // A callback here replaces Deno's default "Listening on ..." line, keeping test output clean.
      onListen: ({ port }) => {
        const url = `http://127.0.0.1:${port}${prefix}`;
        resolve({
          url,
          tracesUrl: `${url}/v1/traces`,
          metricsUrl: `${url}/v1/metrics`,
          logsUrl: `${url}/v1/logs`,
          port,
          spans,
          metrics,
          logs,
          async waitFor(ready, timeoutMs = 5000) {
            const deadline = Date.now() + timeoutMs;
            while (!ready({ metrics, logs })) {
              if (Date.now() > deadline) {
                const seen = requests.map((r) => `${r.method} ${r.path} -> ${r.status}`).join(", ") || "none";
                throw new Error(
                  `waitFor: not ready within ${timeoutMs} ms (${metrics.length} metric points, ` +
                    `${logs.length} log records); requests seen: ${seen}`,
                );
              }
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          },
          requests,
          rawBodies,
          setFault(next) {
            fault = next;
          },
          clear() {
            spans.length = 0;
            metrics.length = 0;
            logs.length = 0;
            requests.length = 0;
            rawBodies.length = 0;
          },
          waitForSpans(count, timeoutMs = 5000) {
            if (spans.length >= count) return Promise.resolve(spans.slice());
            return new Promise((resolveWait, rejectWait) => {
              const waiter: Waiter = {
                count,
                resolve: resolveWait,
                reject: rejectWait,
                timer: setTimeout(() => {
                  waiters.delete(waiter);
                  const seen = requests.map((r) => `${r.method} ${r.path} -> ${r.status}`).join(", ") ||
                    "none";
                  rejectWait(
                    new Error(
                      `waitForSpans: expected at least ${count} span(s) within ${timeoutMs} ms, ` +
                        `got ${spans.length}; requests seen: ${seen}`,
                    ),
                  );
                }, timeoutMs),
              };
              waiters.add(waiter);
            });
          },
          async close() {
            for (const waiter of waiters) {
              clearTimeout(waiter.timer);
              waiter.reject(
                new Error(`waitForSpans: receiver closed with ${spans.length} of ${waiter.count} span(s)`),
              );
            }
            waiters.clear();
            await server.shutdown();
          },
        });
      },
    }, handle);
  });
}

/** Returns an http://127.0.0.1:PORT URL where nothing listens, so connecting is refused. */
export function refusedEndpoint(): Promise<string> {
  // Bind an ephemeral port and let it go: the kernel rotates through ephemeral ports, so it stays free
  // for the few milliseconds a test needs (nothing is guaranteed, but a collision is very unlikely).
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return Promise.resolve(`http://127.0.0.1:${port}`);
}

/** A TCP endpoint that accepts connections and never answers. */
export interface BlackHole {
  url: string;
  /** How many connections were accepted so far. */
  connections: number;
  /** Close every held connection and the listener. */
  close(): Promise<void>;
}

/** Starts a raw TCP listener on 127.0.0.1 that reads and discards everything and never answers. */
export function startBlackHole(): Promise<BlackHole> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const drains: Promise<void>[] = [];
  let accepted = 0;

  const closeConn = (conn: Deno.Conn) => {
    // Only close what is still open: closing twice throws BadResource.
    if (open.delete(conn)) conn.close();
  };

  const drain = async (conn: Deno.Conn) => {
    const buffer = new Uint8Array(16 * 1024);
    try {
      while ((await conn.read(buffer)) !== null) {
        // Discard: the point is to hold the client's request without ever replying.
      }
    } catch {
      // close() below closes the conn under a pending read; that rejection is the expected way out.
    }
    closeConn(conn);
  };

  const acceptLoop = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        open.add(conn);
        drains.push(drain(conn));
      }
    } catch {
      // The listener was closed while accepting.
    }
  })();

  return Promise.resolve({
    url: `http://127.0.0.1:${listener.addr.port}`,
    get connections() {
      return accepted;
    },
    async close() {
      listener.close();
      for (const conn of [...open]) closeConn(conn);
      await acceptLoop;
      await Promise.all(drains);
    },
  });
}
