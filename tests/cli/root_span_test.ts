/**
 * runInRootSpan: every command runs in a root span cmd.<command> with the CLI attributes, safe flag
 * values only, and the command's own exit code. A tracer provider with an in-memory exporter is
 * registered globally, which is why this test has a file of its own.
 */
import assert from "node:assert/strict";
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { Command, CommandContext } from "../../lib/cli/command.ts";
import { rootSpanName, runInRootSpan } from "../../lib/cli/root_span.ts";
import { exitCodeOf } from "../../lib/errors.ts";
import { UsageError, UserFacingError } from "../../lib/errors.ts";
import { silentLogger } from "../../lib/log.ts";
import { createRedactor } from "../../lib/telemetry/mod.ts";
import { loadFromFiles } from "../config/_load.ts";
import { fakeCommand } from "./_commands.ts";

const memory = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }));

const DEPLOY = fakeCommand(["conversation", "deploy"], {
  args: { min: 0, max: 5 },
  flags: [
    { name: "api-key", type: "string", description: "a credential" },
    { name: "github-token", type: "string", description: "a credential" },
    { name: "client-secret", type: "string", description: "a credential" },
    { name: "password", type: "string", description: "a credential" },
    { name: "model", type: "string", description: "harmless" },
    { name: "plain", type: "boolean", description: "harmless" },
  ],
});

async function contextFor(
  positionals: string[],
  flags: CommandContext["args"]["flags"],
): Promise<CommandContext> {
  return {
    config: await loadFromFiles({}),
    args: { positionals, flags },
    io: {
      stdout: () => {},
      stderr: () => {},
      stdin: new ReadableStream(),
      stdoutIsTerminal: false,
      color: false,
      columns: 80,
    },
    signal: new AbortController().signal,
    log: silentLogger,
    redact: createRedactor([]),
  };
}

async function runAndGetSpan(command: Command, context: CommandContext) {
  memory.reset();
  let result: number | unknown;
  try {
    result = await runInRootSpan(command, context, ROOT_CONTEXT);
  } catch (error) {
    result = error;
  }
  const [span, ...others] = memory.getFinishedSpans();
  assert.ok(span);
  assert.equal(others.length, 0);
  return { result, span };
}

Deno.test("rootSpanName joins the command path: cmd.run, cmd.conversation.list", () => {
  assert.equal(rootSpanName(fakeCommand(["run"])), "cmd.run");
  assert.equal(rootSpanName(fakeCommand(["conversation", "list"])), "cmd.conversation.list");
});

Deno.test("runInRootSpan records command.name, command.path, args.count and the process attributes", async () => {
  const { result, span } = await runAndGetSpan(DEPLOY, await contextFor(["a", "b"], {}));
  assert.equal(result, 0);
  assert.equal(span.name, "cmd.conversation.deploy");
  assert.equal(span.parentSpanContext, undefined);
  assert.equal(span.attributes["command.name"], "conversation deploy");
  assert.equal(span.attributes["command.path"], "kodelet conversation deploy");
  assert.equal(span.attributes["args.count"], 2);
  assert.equal(span.attributes["process.pid"], Deno.pid);
  assert.equal(typeof span.attributes["process.executable.name"], "string");
  assert.equal(span.attributes["process.exit.code"], 0);
  assert.equal(span.status.code, SpanStatusCode.OK);
});

Deno.test("runInRootSpan records harmless flag values and never a key, token, secret or password", async () => {
  const flags = {
    "api-key": "sk-test-value-1",
    "github-token": "value-2",
    "client-secret": "value-3",
    password: "value-4",
    model: "claude-test",
    plain: true,
  };
  const { span } = await runAndGetSpan(DEPLOY, await contextFor([], flags));
  assert.equal(span.attributes["command.flag.model"], "claude-test");
  assert.equal(span.attributes["command.flag.plain"], true);
  const flagKeys = Object.keys(span.attributes).filter((key) => key.startsWith("command.flag."));
  assert.deepEqual(flagKeys.sort(), ["command.flag.model", "command.flag.plain"]);
  const everything = JSON.stringify(span.attributes);
  for (const secret of ["sk-test-value-1", "value-2", "value-3", "value-4"]) {
    assert.ok(!everything.includes(secret));
  }
});

Deno.test("runInRootSpan returns a non-zero exit code and marks the span as failed", async () => {
  const failing = fakeCommand(["run"], {}, () => Promise.resolve(3));
  const { result, span } = await runAndGetSpan(failing, await contextFor([], {}));
  assert.equal(result, 3);
  assert.equal(span.attributes["process.exit.code"], 3);
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.status.message, "exit code 3");
  assert.equal(span.attributes["error.type"], "3");
});

Deno.test("runInRootSpan records a thrown error on the span and rethrows it for main.ts", async () => {
  const error = new UserFacingError("no API key for anthropic", 4);
  const throwing = fakeCommand(["run"], {}, () => Promise.reject(error));
  const { result, span } = await runAndGetSpan(throwing, await contextFor([], {}));
  assert.equal(result, error);
  assert.equal(exitCodeOf(result), 4);
  assert.equal(span.attributes["process.exit.code"], 4);
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes["error.type"], "UserFacingError");
  assert.equal(span.events[0]?.name, "exception");
});

Deno.test("runInRootSpan makes the root span a child of the given parent trace", async () => {
  const carrier = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
  const parent = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, {
    get: (c, key) => c[key as keyof typeof c],
    keys: (c) => Object.keys(c),
  });
  memory.reset();
  await runInRootSpan(fakeCommand(["version"]), await contextFor([], {}), parent);
  const span = memory.getFinishedSpans()[0];
  assert.equal(span?.spanContext().traceId, "0af7651916cd43dd8448eb211c80319c");
  assert.equal(span?.parentSpanContext?.spanId, "b7ad6b7169203331");
});

Deno.test("exitCodeOf gives 2 for usage errors, the error's own code for user errors, 1 for bugs", () => {
  assert.equal(exitCodeOf(new UsageError("bad flag")), 2);
  assert.equal(exitCodeOf(new UserFacingError("no key")), 1);
  assert.equal(exitCodeOf(new TypeError("bug")), 1);
});
