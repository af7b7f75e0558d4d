/** A ToolContext for tool tests: in-memory file tracker and todo store, silent logger, recorded figures. */
import { silentLogger } from "../../lib/log.ts";
import type { Attributes } from "../../lib/telemetry/mod.ts";
import { InMemoryFileReadTracker, InMemoryTodoStore } from "../../lib/tools/file_state.ts";
import { PermissionGate } from "../../lib/tools/permissions/mod.ts";
import type { ToolEnvironment } from "../../lib/tools/registry.ts";
import type { ToolContext } from "../../lib/tools/tool.ts";

/** A context plus what the tool recorded and captured through it. */
export interface TestContext {
  ctx: ToolContext;
  /** Every figure passed to ctx.record, merged (later values win). */
  recorded: Attributes;
  /** Every ctx.capture call, by key. */
  captured: Map<string, string>;
}

/** Builds a context rooted at cwd; fields given in overrides replace the defaults. */
export function testContext(cwd: string, overrides: Partial<ToolContext> = {}): TestContext {
  const recorded: Attributes = {};
  const captured = new Map<string, string>();
  const ctx: ToolContext = {
    cwd,
    signal: new AbortController().signal,
    callId: "call-test",
    log: silentLogger,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    record: (attributes) => Object.assign(recorded, attributes),
    capture: (key, text) => void captured.set(key, text),
    files: new InMemoryFileReadTracker(),
    todos: new InMemoryTodoStore(),
    fetch: globalThis.fetch,
    ...overrides,
  };
  return { ctx, recorded, captured };
}

/** A fresh temp directory, removed by the returned dispose function. */
export async function tempDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-tools-" }));
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/** The output of a successful result; fails the test on an error result. */
export function outputOf(
  result: { ok: true; output: string } | { ok: false; error: { kind: string; message: string } },
): string {
  if (!result.ok) throw new Error(`expected success, got ${result.error.kind}: ${result.error.message}`);
  return result.output;
}

/** The error of a failed result; fails the test on success. */
export function errorOf(
  result: { ok: true; output: string } | { ok: false; error: { kind: string; message: string } },
): { kind: string; message: string } {
  if (result.ok) throw new Error(`expected an error, got output: ${result.output.slice(0, 500)}`);
  return result.error;
}

/**
 * The environment a ToolRegistry runs calls in, rooted at cwd, capture off; overrides replace fields.
 * Permissions are yolo (the hard limits still hold): these tests are about the tools, and the
 * permission tests build their own gates.
 */
export function testToolEnvironment(cwd: string, overrides: Partial<ToolEnvironment> = {}): ToolEnvironment {
  return {
    cwd,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    log: silentLogger,
    redact: (text) => text,
    captureContent: false,
    captureMaxBytes: 1024,
    files: new InMemoryFileReadTracker(),
    todos: new InMemoryTodoStore(),
    fetch: globalThis.fetch,
    permissions: new PermissionGate({ mode: "yolo", allow: [], deny: [] }, {
      tmpDir: "/tmp",
      home: Deno.env.get("HOME") ?? "/",
    }),
    ...overrides,
  };
}
