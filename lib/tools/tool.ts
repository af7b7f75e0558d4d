/**
 * The tool interface. A tool is data (name, description for the model, a zod/mini parameter schema at
 * module scope) plus a small execute(); results are values, never exceptions. The registry does the
 * validation, the span, the error handling and the truncation, once for every tool.
 */
import type * as z from "zod/mini";
import type { Logger } from "../log.ts";
import type { Attributes } from "../telemetry/mod.ts";
import type { BashSandbox } from "./sandbox.ts";

/** A tool's outcome, as the model will see it. */
export type ToolResult =
  /**
   * `failed`: the tool ran and its output goes to the model as a result, but what it ran did not
   * succeed (bash: "exit 3"); the terminal shows it as a failure, so the user sees it without the trace.
   */
  | { ok: true; output: string; failed?: string }
  | { ok: false; error: { kind: string; message: string } };

/** What the agent has read, so that file_edit can refuse a file that changed since. */
export interface FileReadTracker {
  /** Remembers the state of a file the agent just read in full or in part. */
  recordRead(path: string, stat: { mtimeMs: number; size: number }): void;
  /** The state recorded at the last read, if any. */
  lastRead(path: string): { mtimeMs: number; size: number } | undefined;
}

/** One entry of the agent's task list. */
export interface TodoItem {
  id: string;
  content: string;
  status: "pending" | "in_progress" | "completed" | "cancelled";
  priority: "high" | "medium" | "low";
}

/** The agent's task list of the conversation; the thread persists it with the conversation. */
export interface TodoStore {
  read(): TodoItem[];
  write(items: TodoItem[]): void;
}

/** What every call of a session shares; the registry hands it on to each call as it is. */
export interface ToolSessionState {
  /** Working directory: relative paths resolve here. */
  cwd: string;
  log: Logger;
  files: FileReadTracker;
  todos: TodoStore;
  /** Runs a nested agent for the subagent tool; absent inside a subagent (no recursion). */
  subagent?: (question: string, signal: AbortSignal) => Promise<string>;
  /** Network fetch, replaceable in tests. */
  fetch: typeof fetch;
  /** Where bash commands run (bubblewrap or not); absent: directly, as with permissions.sandbox off. */
  sandbox?: BashSandbox;
  /** Where an output over the cap is saved whole (<base_path>/tool-output); unset: it is only cut. */
  toolOutputDir?: string;
}

/** Everything a tool may use, passed in (no globals), so tests can give their own. */
export interface ToolContext extends ToolSessionState {
  /** Aborted on Ctrl-C; a tool stops its work (and kills its processes) when it fires. */
  signal: AbortSignal;
  callId: string;
  /** Environment for child processes (bash), already holding TRACEPARENT of the tool's span. */
  env: Record<string, string>;
  /** Adds figures (exit code, bytes, ...) to the tool's span. */
  record(attributes: Attributes): void;
  /** Records content (a command, output) on the span, only when content capture is on; redacted, truncated. */
  capture(key: string, text: string): void;
}

/** A tool definition. */
export interface Tool<P extends z.ZodMiniType = z.ZodMiniType> {
  name: string;
  /** Written for the model: what the tool does, when to use it, its limits. */
  description: string;
  parameters: P;
  /**
   * The JSON Schema the model sees, for a tool that brings its own (an MCP server's tool); absent,
   * it is converted from `parameters`. `parameters` still checks the call before execute().
   */
  inputSchema?: Record<string, unknown>;
  /** Read-only tools are the ones a subagent may use. */
  readOnly: boolean;
  execute(args: z.infer<P>, context: ToolContext): Promise<ToolResult>;
}

/** Defines a tool, keeping the parameter type for execute(). */
export function defineTool<P extends z.ZodMiniType>(tool: Tool<P>): Tool<P> {
  return tool;
}

/** A failed result with a kind the model (and error.type) can read. */
export function toolError(kind: string, message: string): ToolResult {
  return { ok: false, error: { kind, message } };
}

/** A successful result. */
export function toolOutput(output: string, failed?: string): ToolResult {
  return failed === undefined ? { ok: true, output } : { ok: true, output, failed };
}
