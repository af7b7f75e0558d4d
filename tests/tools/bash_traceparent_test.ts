/**
 * The bash child joins the trace: it sees a TRACEPARENT naming the run's trace and the
 * `execute_tool bash` span, which carries the bash figures. The OpenTelemetry globals are registered
 * here, which is why this test has a file (and so an isolate) of its own.
 */
import assert from "node:assert/strict";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { GEN_AI, KODELET, PROCESS, withSpan } from "../../lib/telemetry/mod.ts";
import { bashTool } from "../../lib/tools/bash.ts";
import { ToolRegistry } from "../../lib/tools/registry.ts";
import { tempDir, testToolEnvironment } from "./_context.ts";

Deno.test("bash passes TRACEPARENT of its execute_tool span, in the run's trace, to the child", async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  try {
    await using tmp = await tempDir();
    const registry = new ToolRegistry([bashTool]);
    const { traceId, output } = await withSpan("cmd.run", async (root) => {
      const result = await registry.execute(
        { id: "call-1", name: "bash", input: { command: 'echo "$TRACEPARENT"; exit 4' } },
        testToolEnvironment(tmp.dir),
        new AbortController().signal,
      );
      assert.ok(result.ok);
      return { traceId: root.spanContext().traceId, output: result.output };
    });
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/m.exec(output);
    assert.ok(match, `a traceparent in ${output}`);
    assert.equal(match[1], traceId);
    const toolSpan = exporter.getFinishedSpans().find((span) => span.name === "execute_tool bash");
    assert.ok(toolSpan);
    assert.equal(match[2], toolSpan.spanContext().spanId, "the child's parent is the tool span");
    assert.equal(toolSpan.attributes[GEN_AI.TOOL_NAME], "bash");
    assert.equal(toolSpan.attributes[PROCESS.EXIT_CODE], 4);
    assert.equal(toolSpan.attributes[KODELET.BASH_TIMED_OUT], false);
    assert.equal(toolSpan.attributes[KODELET.BASH_TIMEOUT_MS], 120_000);
    assert.equal(toolSpan.attributes[KODELET.OUTPUT_BYTES], 56);
    assert.equal(typeof toolSpan.attributes[KODELET.DURATION_MS], "number");
    assert.equal(
      toolSpan.attributes[KODELET.BASH_COMMAND],
      undefined,
      "no command text without content capture",
    );
  } finally {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  }
});
