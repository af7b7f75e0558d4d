/**
 * Request bodies for an OTLP/HTTP endpoint, in either encoding. Stored spans are OTLP/JSON already;
 * for http/protobuf they are turned back into SDK ReadableSpans and encoded by the OpenTelemetry
 * serializer, so the bytes are exactly what the SDK's own exporter would send. This module loads the
 * SDK's pieces: import it dynamically.
 */
import type {
  Attributes,
  AttributeValue as ApiAttributeValue,
  HrTime,
  SpanContext,
} from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { OtlpConfig } from "../config/mod.ts";
import { type AttributeMap, attributeMap, exportRequestOf, type StoredSpan } from "../trace_store/mod.ts";

/** An encoded request and the Content-Type that goes with it. */
export interface EncodedRequest {
  body: Uint8Array;
  contentType: string;
}

// OTLP span flags: bit 8 says whether bit 9 (parent is remote) is meaningful.
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

function hrTime(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

function apiAttributes(attributes: AttributeMap): Attributes {
  // The OTLP encoders accept nested maps (kvlistValue) as well; the API's type is narrower than
  // what the serializer handles, so the stored values are handed on as they are.
  return attributes as unknown as Record<string, ApiAttributeValue>;
}

function traceState(value: string): TraceState | undefined {
  return value === "" ? undefined : new TraceState(value);
}

function spanContext(
  traceId: string,
  spanId: string,
  flags: number,
  state: string,
  remote: boolean,
): SpanContext {
  const context: SpanContext = { traceId, spanId, traceFlags: flags & 0xff, isRemote: remote };
  const parsed = traceState(state);
  if (parsed) context.traceState = parsed;
  return context;
}

/** Stored spans as SDK ReadableSpans (one shared Resource object per stored resource, as the encoder groups by identity). */
export function toReadableSpans(spans: readonly StoredSpan[]): ReadableSpan[] {
  const resources = new Map<string, Resource>();
  return spans.map((span) => {
    const resourceKey = JSON.stringify([span.resource, span.resourceSchemaUrl]);
    let resource = resources.get(resourceKey);
    if (!resource) {
      const attributes = apiAttributes(attributeMap(span.resource.attributes));
      resource = resourceFromAttributes(
        attributes,
        span.resourceSchemaUrl ? { schemaUrl: span.resourceSchemaUrl } : {},
      );
      resources.set(resourceKey, resource);
    }
    const own = spanContext(span.traceId, span.spanId, span.flags, span.traceState, false);
    const parentRemote = (span.flags & (HAS_IS_REMOTE | IS_REMOTE)) === (HAS_IS_REMOTE | IS_REMOTE);
    const scopeVersion = typeof span.scope.version === "string" ? span.scope.version : undefined;
    const readable: ReadableSpan = {
      name: span.name,
      // OTLP counts kinds from 1 (0 is "unspecified"); the API counts from 0 (INTERNAL).
      kind: Math.max(0, span.kind - 1),
      spanContext: () => own,
      ...(span.parentSpanId === ""
        ? {}
        : { parentSpanContext: spanContext(span.traceId, span.parentSpanId, span.flags, "", parentRemote) }),
      startTime: hrTime(span.startNs),
      endTime: hrTime(span.endNs),
      status: span.status.message === "" ? { code: span.status.code } : { ...span.status },
      attributes: apiAttributes(span.attributes),
      links: span.links.map((link) => ({
        context: spanContext(
          link.traceId,
          link.spanId,
          link.flags,
          link.traceState,
          (link.flags & IS_REMOTE) !== 0,
        ),
        attributes: apiAttributes(link.attributes),
      })),
      events: span.events.map((event) => ({
        name: event.name,
        time: hrTime(event.timeNs),
        attributes: apiAttributes(event.attributes),
      })),
      duration: hrTime(span.endNs - span.startNs),
      ended: true,
      resource,
      instrumentationScope: {
        name: typeof span.scope.name === "string" ? span.scope.name : "",
        ...(scopeVersion === undefined ? {} : { version: scopeVersion }),
        ...(span.scopeSchemaUrl ? { schemaUrl: span.scopeSchemaUrl } : {}),
      },
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
    return readable;
  });
}

/** Stored spans as one request in the given encoding. */
export function encodeStoredSpans(
  spans: readonly StoredSpan[],
  protocol: OtlpConfig["protocol"],
): EncodedRequest {
  if (protocol === "http/json") {
    return {
      body: new TextEncoder().encode(JSON.stringify(exportRequestOf(spans))),
      contentType: "application/json",
    };
  }
  return encodeReadableSpans(toReadableSpans(spans), protocol);
}

/** SDK spans as one request in the given encoding. */
export function encodeReadableSpans(spans: ReadableSpan[], protocol: OtlpConfig["protocol"]): EncodedRequest {
  const json = protocol === "http/json";
  const body = (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans);
  if (!body) throw new Error("the spans could not be encoded");
  return { body, contentType: json ? "application/json" : "application/x-protobuf" };
}

/** Rejected spans an endpoint reported in an OTLP partial success, with its message. */
export function partialRejection(
  body: Uint8Array,
  protocol: OtlpConfig["protocol"],
): { rejectedSpans: number; message: string } | undefined {
  try {
    const serializer = protocol === "http/json" ? JsonTraceSerializer : ProtobufTraceSerializer;
    const partial = serializer.deserializeResponse(body).partialSuccess;
    const rejected = Number(partial?.rejectedSpans ?? 0);
    if (!partial || !(rejected > 0)) return undefined;
    return { rejectedSpans: rejected, message: partial.errorMessage ?? "" };
  } catch {
    return undefined;
  }
}
