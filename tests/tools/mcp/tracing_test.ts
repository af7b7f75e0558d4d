/**
 * MCP calls are traced as the OpenTelemetry MCP conventions say: `initialize` and `tools/list` at
 * start-up, and a CLIENT `tools/call <tool>` span under each `execute_tool mcp__<server>__<tool>`,
 * whose trace context reaches the server in `params._meta`. The OpenTelemetry globals are
 * registered here, which is why this test has a file (and so an isolate) of its own.
 */
import assert from "node:assert/strict";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { McpServerConfig } from "../../../lib/config/mod.ts";
import { silentLogger } from "../../../lib/log.ts";
import { GEN_AI, GENERAL, MCP, withSpan } from "../../../lib/telemetry/mod.ts";
import { McpManager } from "../../../lib/tools/mcp/mod.ts";
import { ToolRegistry } from "../../../lib/tools/registry.ts";
import type { ToolResult } from "../../../lib/tools/tool.ts";
import { startMcpHttpServer } from "../../support/mcp/http_server.ts";
import { fixtureStdio, httpServer } from "../../support/mcp/servers.ts";
import { testToolEnvironment } from "../_context.ts";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

async function traced<T>(fn: () => Promise<T>): Promise<T> {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  exporter.reset();
  try {
    return await fn();
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

/** Starts the servers and runs the calls through a registry, all inside one root span. */
async function run(
  servers: McpServerConfig[],
  calls: { name: string; input: Record<string, unknown> }[],
  options: { timeoutMs?: number; captureContent?: boolean } = {},
): Promise<{ traceId: string; results: ToolResult[]; spans: ReadableSpan[] }> {
  return await traced(async () => {
    const manager = new McpManager({ servers, timeoutMs: options.timeoutMs ?? 20_000 }, {
      cwd: Deno.cwd(),
      log: silentLogger,
    });
    try {
      const { traceId, results } = await withSpan("cmd.run", async (root) => {
        await manager.start();
        const registry = new ToolRegistry(manager.tools());
        const environment = {
          ...testToolEnvironment(Deno.cwd()),
          captureContent: options.captureContent ?? false,
        };
        const results: ToolResult[] = [];
        for (const [index, call] of calls.entries()) {
          results.push(
            await registry.execute(
              { id: `call-${index}`, ...call },
              environment,
              new AbortController().signal,
            ),
          );
        }
        return { traceId: root.spanContext().traceId, results };
      });
      return { traceId, results, spans: exporter.getFinishedSpans() };
    } finally {
      await manager.close();
    }
  });
}

function one(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  assert.equal(found.length, 1, `one ${name} among ${spans.map((span) => span.name).join(", ")}`);
  return found[0] as ReadableSpan;
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

Deno.test("mcp over HTTP: tools/call is a CLIENT child of execute_tool, and the server gets its traceparent", async () => {
  await using http = startMcpHttpServer();
  const { traceId, results, spans } = await run([httpServer("web", http.url)], [
    { name: "mcp__web__add", input: { a: 1, b: 2 } },
  ]);
  assert.deepEqual(results, [{ ok: true, output: "3" }]);
  const root = one(spans, "cmd.run");
  const tool = one(spans, "execute_tool mcp__web__add");
  const client = one(spans, "tools/call add");
  assert.equal(parentOf(tool), root.spanContext().spanId);
  assert.equal(parentOf(client), tool.spanContext().spanId);
  assert.equal(client.kind, SpanKind.CLIENT);
  assert.equal(client.status.code, SpanStatusCode.OK);
  const sessionId = http.calls[0]?.sessionId;
  assert.ok(sessionId);
  assert.deepEqual(client.attributes, {
    [MCP.METHOD_NAME]: "tools/call",
    [GEN_AI.TOOL_NAME]: "add",
    [MCP.NETWORK_TRANSPORT]: "tcp",
    [MCP.NETWORK_PROTOCOL_NAME]: "http",
    [GENERAL.SERVER_ADDRESS]: "127.0.0.1",
    [GENERAL.SERVER_PORT]: http.port,
    [MCP.SERVER_NAME]: "web",
    [MCP.SESSION_ID]: sessionId,
    [MCP.PROTOCOL_VERSION]: client.attributes[MCP.PROTOCOL_VERSION],
    [MCP.JSONRPC_REQUEST_ID]: "2",
  });
  assert.match(String(client.attributes[MCP.PROTOCOL_VERSION]), /^\d{4}-\d{2}-\d{2}$/);
  // What the server received: the trace context of the tools/call span, in params._meta.
  assert.equal(
    http.calls[0]?.meta.traceparent,
    `00-${traceId}-${client.spanContext().spanId}-01`,
    "the server's parent is the tools/call span, in the run's trace",
  );
  const initialize = one(spans, "initialize");
  assert.equal(initialize.kind, SpanKind.CLIENT);
  assert.equal(parentOf(initialize), root.spanContext().spanId);
  assert.equal(initialize.attributes[MCP.METHOD_NAME], "initialize");
  assert.equal(initialize.attributes[MCP.JSONRPC_REQUEST_ID], "0");
  assert.equal(initialize.attributes[MCP.SESSION_ID], sessionId);
  assert.equal(one(spans, "tools/list").attributes[MCP.TOOL_COUNT], 7);
  // Content stays out of spans unless capture is on.
  for (const span of spans) {
    assert.equal(span.attributes[GEN_AI.TOOL_CALL_ARGUMENTS], undefined, span.name);
    assert.equal(span.attributes[GEN_AI.TOOL_CALL_RESULT], undefined, span.name);
  }
});

Deno.test("mcp over stdio: network.transport pipe, no server address, and errors as the conventions name them", async () => {
  const recordFile = await Deno.makeTempFile();
  try {
    const server = await fixtureStdio("fx", { env: { MCP_FIXTURE_RECORD: recordFile } });
    const { traceId, results, spans } = await run([server], [
      { name: "mcp__fx__echo", input: { message: "secret words" } },
      { name: "mcp__fx__fail", input: {} },
      { name: "mcp__fx__hang", input: {} },
    ], { timeoutMs: 2000 });
    assert.deepEqual(results.map((result) => result.ok ? "ok" : result.error.kind), [
      "ok",
      "tool_error",
      "timeout",
    ]);
    const echo = one(spans, "tools/call echo");
    assert.equal(echo.attributes[MCP.NETWORK_TRANSPORT], "pipe");
    assert.equal(echo.attributes[GENERAL.SERVER_ADDRESS], undefined);
    assert.equal(echo.attributes[MCP.SESSION_ID], undefined, "stdio has no session id");
    assert.equal(typeof echo.attributes[MCP.PROTOCOL_VERSION], "string");
    const fail = one(spans, "tools/call fail");
    assert.equal(fail.status.code, SpanStatusCode.ERROR);
    assert.equal(fail.attributes[GENERAL.ERROR_TYPE], "tool_error");
    const hang = one(spans, "tools/call hang");
    assert.equal(hang.attributes[GENERAL.ERROR_TYPE], "timeout");
    assert.equal(one(spans, "execute_tool mcp__fx__hang").attributes[GENERAL.ERROR_TYPE], "timeout");
    const received = (await Deno.readTextFile(recordFile)).trim().split("\n").map((line) =>
      JSON.parse(line) as { tool: string; meta: { traceparent?: string } }
    );
    assert.deepEqual(received.map((call) => call.tool), ["echo", "fail", "hang"]);
    assert.equal(received[0]?.meta.traceparent, `00-${traceId}-${echo.spanContext().spanId}-01`);
    for (const span of spans) {
      assert.ok(!JSON.stringify(span.attributes).includes("secret words"), `no arguments in ${span.name}`);
    }
  } finally {
    await Deno.remove(recordFile);
  }
});

Deno.test("mcp: with content capture on, the execute_tool span holds the arguments and the result", async () => {
  await using http = startMcpHttpServer();
  const { spans } = await run([httpServer("web", http.url)], [
    { name: "mcp__web__echo", input: { message: "captured" } },
  ], { captureContent: true });
  const tool = one(spans, "execute_tool mcp__web__echo");
  assert.equal(tool.attributes[GEN_AI.TOOL_CALL_ARGUMENTS], '{"message":"captured"}');
  assert.equal(tool.attributes[GEN_AI.TOOL_CALL_RESULT], "echo: captured");
});

Deno.test("mcp: a server that fails to start ends its initialize span with error.type", async () => {
  const { spans } = await run([await fixtureStdio("dies", { flags: ["--exit-at-start"] })], []);
  const initialize = one(spans, "initialize");
  assert.equal(initialize.status.code, SpanStatusCode.ERROR);
  assert.equal(typeof initialize.attributes[GENERAL.ERROR_TYPE], "string");
});
