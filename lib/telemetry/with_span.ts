/**
 * The one way kodelet makes spans. Only @opentelemetry/api is imported here: with tracing off the
 * API hands out no-op spans, and the SDK is never loaded.
 */
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { GENERAL } from "./attributes.ts";

const TRACER_NAME = "kodelet";

/** The tracer for a part of kodelet (the instrumentation scope name). */
export function tracer(name: string = TRACER_NAME): Tracer {
  return trace.getTracer(name);
}

/** Options of withSpan. */
export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Parent context; the active one by default. */
  parent?: Context;
  tracer?: Tracer;
}

const failed = new WeakSet<Span>();
/** Spans withSpan has started and not yet ended, oldest first. */
const open = new Set<Span>();

/**
 * Ends every span still open, newest first, as failed: for the user who insists on quitting (a
 * second Ctrl-C) before the work inside those spans could wind down.
 */
export function endOpenSpans(message: string): void {
  for (const span of [...open].reverse()) {
    failSpan(span, "interrupted", message);
    span.end();
  }
  open.clear();
}

/**
 * Marks a span as failed without throwing (a tool that returned an error, a command that exits 1):
 * status ERROR, `error.type`, and withSpan will not overwrite the status with OK.
 */
export function failSpan(span: Span, errorType: string, message?: string): void {
  failed.add(span);
  span.setAttribute(GENERAL.ERROR_TYPE, errorType);
  span.setStatus(
    message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message },
  );
}

/**
 * Leaves a span's status unset when fn returns: for an outcome that is neither a success nor a
 * failure of kodelet's (a tool call the permission gate refused).
 */
export function leaveStatusUnset(span: Span): void {
  failed.add(span);
}

/** The error.type of a thrown value: its class name, as the conventions suggest. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && code !== "" ? code : error.name;
  }
  return "_OTHER";
}

/**
 * Runs fn inside a new active span and ends it when fn settles: status OK on success (unless fn
 * called failSpan), ERROR with the exception recorded when fn throws (and the error is rethrown).
 */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  options: SpanOptions = {},
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = (options.tracer ?? tracer()).startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  open.add(span);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => fn(span));
    if (!failed.has(span)) span.setStatus({ code: SpanStatusCode.OK });
    return result;
  } catch (error) {
    if (!failed.has(span)) {
      span.setAttribute(GENERAL.ERROR_TYPE, errorTypeOf(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    span.recordException(error instanceof Error ? error : String(error));
    throw error;
  } finally {
    // Already ended (and removed) when endOpenSpans ran first.
    if (open.delete(span)) span.end();
  }
}

export { SpanKind, SpanStatusCode };
export type { Attributes, Span };
