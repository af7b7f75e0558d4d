/**
 * The sending half of `kodelet tracing check`: one test span, encoded as the configured exporter
 * would, sent to the configured endpoint. What it means for the user is the command's to say
 * (lib/cli/tracing_check_report.ts). Loads the OpenTelemetry encoders: import it dynamically.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { randomHex } from "../bytes.ts";
import type { Config } from "../config/mod.ts";
import { VERSION } from "../version.ts";
import { encodeReadableSpans, partialRejection } from "./encode.ts";
import { configuredTarget, type Fetch, postOtlp, type SendOutcome } from "./otlp_send.ts";
import { resourceAttributes } from "./resource.ts";
import { CHECK_SPAN_NAME } from "./attributes.ts";

/** Replaceable parts of the check's request. */
export interface CheckSendOptions {
  fetch?: Fetch;
  signal?: AbortSignal;
}

/** What became of the test span. */
export interface CheckSendResult {
  outcome: SendOutcome;
  traceId: string;
  /** Set when the endpoint answered 2xx but rejected the span in its body (OTLP partial success). */
  partial: { message: string } | undefined;
}

function testSpan(config: Config, traceId: string): ReadableSpan {
  const spanId = randomHex(8);
  const nowMs = Date.now();
  const start: [number, number] = [Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000];
  return {
    name: CHECK_SPAN_NAME,
    kind: SpanKind.INTERNAL,
    spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
    startTime: start,
    endTime: start,
    status: { code: SpanStatusCode.OK },
    attributes: { "command.name": "tracing check" },
    links: [],
    events: [],
    duration: [0, 0],
    ended: true,
    resource: resourceFromAttributes(resourceAttributes(config.tracing)),
    instrumentationScope: { name: "kodelet", version: VERSION },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** Sends one test span to the configured endpoint. */
export async function sendCheckSpan(
  config: Config,
  options: CheckSendOptions = {},
): Promise<CheckSendResult> {
  const otlp = config.tracing.otlp;
  const traceId = randomHex(16);
  const request = encodeReadableSpans([testSpan(config, traceId)], otlp.protocol);
  const outcome = await postOtlp(configuredTarget(otlp), request, options);
  const partial = outcome.kind === "delivered"
    ? partialRejection(outcome.responseBody, otlp.protocol)
    : undefined;
  return { outcome, traceId, partial };
}
