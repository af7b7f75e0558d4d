/**
 * A wrapper around an MCP SDK transport that does the tracing the SDK cannot: it puts the W3C trace
 * context of the active span into every request's `params._meta` (so an instrumented server's spans
 * join the trace), records the JSON-RPC id of the request on the MCP span that sent it, and keeps the
 * protocol version the server agreed to. Only types come from the SDK here.
 */
// @ts-types="@modelcontextprotocol/sdk/shared/transport"
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import { context, propagation, trace } from "@opentelemetry/api";
import { MCP } from "../../telemetry/mod.ts";
import type { Span } from "../../telemetry/mod.ts";

/** MCP client spans (initialize, tools/list, tools/call), the only ones the wrapper writes to. */
const mcpSpans = new WeakSet<Span>();

/** Marks a span as an MCP client span, so that the request it sends records its JSON-RPC id. */
export function markMcpSpan(span: Span): void {
  mcpSpans.add(span);
}

/** The transport the SDK's Client talks to; it forwards everything to `inner`. */
export class TracedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  /** The protocol version negotiated at initialize. */
  protocolVersion: string | undefined;
  /** Set once the inner transport has closed (the server exited or hung up). */
  closed = false;

  constructor(readonly inner: Transport) {
    inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => {
      this.closed = true;
      this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ("method" in message && "id" in message) {
      const span = trace.getActiveSpan();
      if (span && mcpSpans.has(span)) span.setAttribute(MCP.JSONRPC_REQUEST_ID, String(message.id));
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      if (carrier.traceparent) {
        const params = message.params ?? {};
        const meta = (params._meta ?? {}) as Record<string, unknown>;
        message = { ...message, params: { ...params, _meta: { ...meta, ...carrier } } };
      }
    }
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }
}
