/**
 * The store's span model, read from OTLP/JSON (one ExportTraceServiceRequest per line) and written
 * back to it. Each span keeps the exact JSON it was stored as, with its resource and scope, so that
 * `trace show --json` and `trace export` hand on what was recorded, not a lossy re-encoding.
 */

/** A JSON value as JSON.parse returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** An attribute value as the views use it (int64 beyond 2^53 loses precision; bytes stay base64). */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** Attributes by key. */
export type AttributeMap = Record<string, AttributeValue>;

/** One stored span, decoded for the views, with the JSON it came from. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  traceState: string;
  /** OTLP span flags: W3C trace flags in the low byte, remote-parent bits above. */
  flags: number;
  name: string;
  /** OTLP enum: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: AttributeMap;
  /** OTLP enum: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  events: { name: string; timeNs: bigint; attributes: AttributeMap }[];
  links: { traceId: string; spanId: string; traceState: string; flags: number; attributes: AttributeMap }[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  /** The Resource and InstrumentationScope objects exactly as stored. */
  resource: JsonObject;
  resourceSchemaUrl: string;
  scope: JsonObject;
  scopeSchemaUrl: string;
  /** The Span object exactly as stored. */
  raw: JsonObject;
}

/** Span status codes (shared by OTLP and the OpenTelemetry API). */
export const STATUS = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** A line that is JSON but not an ExportTraceServiceRequest. */
export class OtlpShapeError extends Error {
  override readonly name = "OtlpShapeError";
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: unknown, what: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new OtlpShapeError(`${what} is not an object`);
  return value;
}

function list(value: unknown, what: string): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpShapeError(`${what} is not a list`);
  return value;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function integer(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return 0;
}

function nanos(value: unknown, what: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  throw new OtlpShapeError(`${what} is not a timestamp`);
}

function hexId(value: unknown, what: string): string {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value === "string" && /^(?:[0-9a-fA-F]{2})+$/.test(value)) return value.toLowerCase();
  throw new OtlpShapeError(`${what} is not a hex id`);
}

/** Decodes an OTLP AnyValue. */
export function anyValue(value: unknown): AttributeValue {
  if (!isObject(value)) return null;
  if (typeof value.stringValue === "string") return value.stringValue;
  if (typeof value.boolValue === "boolean") return value.boolValue;
  if (value.intValue !== undefined && value.intValue !== null) return integer(value.intValue);
  if (typeof value.doubleValue === "number") return value.doubleValue;
  if (typeof value.doubleValue === "string") return Number(value.doubleValue);
  if (isObject(value.arrayValue)) return list(value.arrayValue.values, "arrayValue").map(anyValue);
  if (isObject(value.kvlistValue)) return attributeMap(value.kvlistValue.values);
  if (typeof value.bytesValue === "string") return value.bytesValue;
  return null;
}

/** Decodes an OTLP KeyValue list. */
export function attributeMap(value: unknown): AttributeMap {
  const result: AttributeMap = {};
  for (const item of list(value, "attributes")) {
    if (!isObject(item) || typeof item.key !== "string") continue;
    // defineProperty: a key such as "__proto__" must stay an ordinary entry.
    Object.defineProperty(result, item.key, {
      value: anyValue(item.value),
      enumerable: true,
      writable: true,
    });
  }
  return result;
}

function decodeSpan(
  value: unknown,
  where: string,
  context: Pick<StoredSpan, "resource" | "resourceSchemaUrl" | "scope" | "scopeSchemaUrl">,
): StoredSpan {
  const raw = object(value, where);
  const status = object(raw.status, `${where}.status`);
  const traceId = hexId(raw.traceId, `${where}.traceId`);
  const spanId = hexId(raw.spanId, `${where}.spanId`);
  if (traceId === "" || spanId === "") throw new OtlpShapeError(`${where} has no trace or span id`);
  return {
    traceId,
    spanId,
    parentSpanId: hexId(raw.parentSpanId, `${where}.parentSpanId`),
    traceState: text(raw.traceState),
    flags: integer(raw.flags),
    name: text(raw.name),
    kind: integer(raw.kind),
    startNs: nanos(raw.startTimeUnixNano, `${where}.startTimeUnixNano`),
    endNs: nanos(raw.endTimeUnixNano, `${where}.endTimeUnixNano`),
    attributes: attributeMap(raw.attributes),
    status: { code: integer(status.code), message: text(status.message) },
    events: list(raw.events, `${where}.events`).map((item, index) => {
      const event = object(item, `${where}.events[${index}]`);
      return {
        name: text(event.name),
        timeNs: nanos(event.timeUnixNano, `${where}.events[${index}].timeUnixNano`),
        attributes: attributeMap(event.attributes),
      };
    }),
    links: list(raw.links, `${where}.links`).map((item, index) => {
      const link = object(item, `${where}.links[${index}]`);
      return {
        traceId: hexId(link.traceId, `${where}.links[${index}].traceId`),
        spanId: hexId(link.spanId, `${where}.links[${index}].spanId`),
        traceState: text(link.traceState),
        flags: integer(link.flags),
        attributes: attributeMap(link.attributes),
      };
    }),
    droppedAttributesCount: integer(raw.droppedAttributesCount),
    droppedEventsCount: integer(raw.droppedEventsCount),
    droppedLinksCount: integer(raw.droppedLinksCount),
    ...context,
    raw,
  };
}

/** The spans of a decoded ExportTraceServiceRequest; throws OtlpShapeError when it is not one. */
export function spansOfRequest(value: unknown): StoredSpan[] {
  const request = object(value, "request");
  if (!Array.isArray(request.resourceSpans)) throw new OtlpShapeError("no resourceSpans list");
  const spans: StoredSpan[] = [];
  request.resourceSpans.forEach((resourceSpansValue, r) => {
    const resourceSpans = object(resourceSpansValue, `resourceSpans[${r}]`);
    const resource = object(resourceSpans.resource, `resourceSpans[${r}].resource`);
    const resourceSchemaUrl = text(resourceSpans.schemaUrl);
    list(resourceSpans.scopeSpans, `resourceSpans[${r}].scopeSpans`).forEach((scopeSpansValue, s) => {
      const where = `resourceSpans[${r}].scopeSpans[${s}]`;
      const scopeSpans = object(scopeSpansValue, where);
      const context = {
        resource,
        resourceSchemaUrl,
        scope: object(scopeSpans.scope, `${where}.scope`),
        scopeSchemaUrl: text(scopeSpans.schemaUrl),
      };
      list(scopeSpans.spans, `${where}.spans`).forEach((span, i) => {
        spans.push(decodeSpan(span, `${where}.spans[${i}]`, context));
      });
    });
  });
  return spans;
}

/** Parses one line of a run file or one spool file. */
export function parseRequest(text: string): StoredSpan[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OtlpShapeError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return spansOfRequest(value);
}

/** Regroups spans under their resource and scope into one ExportTraceServiceRequest. */
export function exportRequestOf(spans: readonly StoredSpan[]): JsonObject {
  const resources = new Map<
    string,
    { resource: JsonObject; schemaUrl: string; scopes: Map<string, Json[]> }
  >();
  const scopeObjects = new Map<string, { scope: JsonObject; schemaUrl: string }>();
  for (const span of spans) {
    const resourceKey = JSON.stringify([span.resource, span.resourceSchemaUrl]);
    let entry = resources.get(resourceKey);
    if (!entry) {
      entry = { resource: span.resource, schemaUrl: span.resourceSchemaUrl, scopes: new Map() };
      resources.set(resourceKey, entry);
    }
    const scopeKey = JSON.stringify([span.scope, span.scopeSchemaUrl]);
    scopeObjects.set(scopeKey, { scope: span.scope, schemaUrl: span.scopeSchemaUrl });
    const bucket = entry.scopes.get(scopeKey) ?? [];
    bucket.push(span.raw);
    entry.scopes.set(scopeKey, bucket);
  }
  const resourceSpans: Json[] = [];
  for (const entry of resources.values()) {
    const scopeSpans: Json[] = [];
    for (const [key, rawSpans] of entry.scopes) {
      const scope = scopeObjects.get(key);
      scopeSpans.push({
        scope: scope?.scope ?? {},
        spans: rawSpans,
        ...(scope?.schemaUrl ? { schemaUrl: scope.schemaUrl } : {}),
      });
    }
    resourceSpans.push({
      resource: entry.resource,
      scopeSpans,
      ...(entry.schemaUrl ? { schemaUrl: entry.schemaUrl } : {}),
    });
  }
  return { resourceSpans };
}
