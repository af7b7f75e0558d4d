/**
 * Runs tool calls: validates the model's arguments against the tool's schema, runs the tool inside
 * its `execute_tool <name>` span, turns anything thrown into a failed result, and truncates output
 * in one place.
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import {
  type Attributes,
  errorTypeOf,
  failSpan,
  GEN_AI,
  KODELET,
  leaveStatusUnset,
  type Redactor,
  signals,
  type ToolOutcome,
  traceContextEnv,
  truncateBytes,
  withSpan,
} from "../telemetry/mod.ts";
import { type ToolSchema, UNPARSED_ARGUMENTS } from "../llm/mod.ts";
import { saveToolOutput, spilledOutput } from "./output_spill.ts";
import { decisionAttributes, decisionRecord, strictGate } from "./permission_check.ts";
import type { PermissionGate } from "./permissions/mod.ts";
import { toolError } from "./tool.ts";
import type { Tool, ToolContext, ToolResult, ToolSessionState } from "./tool.ts";

// zod/mini loads no messages of its own: without the English ones a bad call would tell the model
// only "Invalid input". (zod/mini rather than zod: the same checks in a tenth of the code to load.)
z.config(en());

/** The most a tool result may send back to the model. */
export const MAX_TOOL_OUTPUT_BYTES = 64 * 1024;

/** A tool call as the model made it. */
export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

/** What every call shares: where, how content is captured, and the conversation's state. */
export interface ToolEnvironment extends ToolSessionState {
  env: Record<string, string>;
  redact: Redactor;
  captureContent: boolean;
  captureMaxBytes: number;
  /**
   * Decides which calls run, asking the user when needed. Absent: ask mode with nobody to ask, so
   * nothing that changes anything runs unless a caller chose otherwise.
   */
  permissions?: PermissionGate;
}

/** The JSON Schema a tool's parameters become for the model. */
export function toolSchema(tool: Tool): ToolSchema {
  if (tool.inputSchema) {
    return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema };
  }
  const schema = z.toJSONSchema(tool.parameters, { target: "draft-7" }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: tool.name, description: tool.description, inputSchema: schema };
}

/** Tells the model how to fix its call. */
function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "arguments"}: ${issue.message}`)
    .join("; ");
}

/** error.type of a call whose tool ran but reported a failure (a non-zero exit): low-cardinality. */
const FAILED_ERROR_TYPE = "failed";

/** The outcome a tool call counts as in the metrics. */
export function outcomeOf(result: ToolResult): ToolOutcome {
  // A command that ran but failed (bash exit 3) is shown as ✗ to the user, so it counts as a
  // failure in the metrics and in `kodelet usage` too.
  if (result.ok) return result.failed === undefined ? "ok" : "error";
  if (result.error.kind === "cancelled") return "cancelled";
  if (/denied|refused|not_allowed|not_permitted/.test(result.error.kind)) return "denied";
  return "error";
}

/** A set of tools the model may call. */
export class ToolRegistry {
  readonly #tools: Map<string, Tool>;
  #schemas: ToolSchema[] | undefined;

  constructor(tools: readonly Tool[]) {
    this.#tools = new Map(tools.map((tool) => [tool.name, tool]));
  }

  /** The tools, in registration order. */
  list(): Tool[] {
    return [...this.#tools.values()];
  }

  /** The tools as the model sees them; converted once, since every LLM request sends them. */
  schemas(): ToolSchema[] {
    this.#schemas ??= this.list().map(toolSchema);
    return this.#schemas;
  }

  /** A registry with only the read-only tools (for subagents). */
  readOnly(): ToolRegistry {
    return this.only((tool) => tool.readOnly && tool.name !== "subagent");
  }

  /** A registry with the tools that pass a test (read-only mode offers only the read tools). */
  only(keep: (tool: Tool) => boolean): ToolRegistry {
    return new ToolRegistry(this.list().filter(keep));
  }

  /** Runs one call in its span; never throws. */
  execute(call: ToolCall, environment: ToolEnvironment, signal: AbortSignal): Promise<ToolResult> {
    const tool = this.#tools.get(call.name);
    const attributes: Attributes = {
      [GEN_AI.OPERATION_NAME]: "execute_tool",
      [GEN_AI.TOOL_NAME]: call.name,
      [GEN_AI.TOOL_CALL_ID]: call.id,
      [GEN_AI.TOOL_TYPE]: "function",
    };
    return withSpan(`execute_tool ${call.name}`, async (span) => {
      const capture = (key: string, text: string) => {
        if (environment.captureContent) {
          span.setAttribute(key, truncateBytes(environment.redact(text), environment.captureMaxBytes));
        }
      };
      capture(GEN_AI.TOOL_CALL_ARGUMENTS, JSON.stringify(call.input ?? {}));
      const started = performance.now();
      environment.log.debug("tool call started", { tool: call.name, call_id: call.id });
      // Lines changed reach the metrics through the attributes the file tools record on their span.
      const lines = { added: 0, removed: 0 };
      const record = (attributes: Attributes) => {
        const added = attributes[KODELET.LINES_ADDED];
        const removed = attributes[KODELET.LINES_REMOVED];
        if (typeof added === "number") lines.added += added;
        if (typeof removed === "number") lines.removed += removed;
        span.setAttributes(attributes);
      };
      const { result, denied } = await this.#run(tool, call, environment, signal, record, capture);
      const elapsedMs = performance.now() - started;
      const durationMs = Math.round(elapsedMs);
      signals.toolCall({
        tool: call.name,
        outcome: denied ? "denied" : outcomeOf(result),
        errorType: result.ok
          ? (result.failed === undefined ? undefined : FAILED_ERROR_TYPE)
          : result.error.kind,
        durationS: elapsedMs / 1000,
        outputBytes: new TextEncoder().encode(result.ok ? result.output : result.error.message).length,
        linesAdded: lines.added,
        linesRemoved: lines.removed,
      });
      span.setAttribute(KODELET.DURATION_MS, durationMs);
      environment.log.debug("tool call ended", {
        tool: call.name,
        call_id: call.id,
        ok: result.ok,
        error_kind: result.ok ? undefined : result.error.kind,
        duration_ms: durationMs,
      });
      if (result.ok) {
        capture(GEN_AI.TOOL_CALL_RESULT, result.output);
      } else if (denied) {
        // A refused call is kodelet doing its job, not failing: the span keeps an unset status and
        // carries the decision attributes.
        capture(GEN_AI.TOOL_CALL_RESULT, result.error.message);
        leaveStatusUnset(span);
      } else {
        capture(GEN_AI.TOOL_CALL_RESULT, result.error.message);
        // The message may quote the model's arguments (a path, a pattern): it is content, so the
        // status carries only the kind, and the message goes through capture like any content.
        failSpan(span, result.error.kind, result.error.kind);
      }
      return result;
    }, { attributes });
  }

  async #run(
    tool: Tool | undefined,
    call: ToolCall,
    environment: ToolEnvironment,
    signal: AbortSignal,
    record: (attributes: Attributes) => void,
    capture: (key: string, text: string) => void,
  ): Promise<{ result: ToolResult; denied: boolean }> {
    if (!tool) {
      const names = [...this.#tools.keys()].join(", ");
      return {
        result: toolError("unknown_tool", `No tool named "${call.name}". Tools: ${names}`),
        denied: false,
      };
    }
    if (call.input !== null && typeof call.input === "object" && UNPARSED_ARGUMENTS in call.input) {
      return {
        result: toolError(
          "invalid_arguments",
          `The arguments for ${tool.name} were not valid JSON; send a JSON object matching its schema.`,
        ),
        denied: false,
      };
    }
    const parsed = z.safeParse(tool.parameters, call.input ?? {});
    if (!parsed.success) {
      return {
        result: toolError(
          "invalid_arguments",
          `Invalid arguments for ${tool.name}: ${describeIssues(parsed.error)}`,
        ),
        denied: false,
      };
    }
    const gate = environment.permissions ?? strictGate(environment.env);
    const decision = await gate.check(
      {
        tool: tool.name,
        readOnly: tool.readOnly,
        input: parsed.data as Record<string, unknown>,
        callId: call.id,
      },
      environment.cwd,
      signal,
    );
    record(decisionAttributes(decision, environment.captureContent));
    // Still inside the execute_tool span: the event carries its trace and span id.
    signals.toolDecision(
      decisionRecord(
        { tool: tool.name, callId: call.id },
        decision,
        gate.settings.mode,
        environment.captureContent,
      ),
    );
    if (!decision.allow) {
      return { result: toolError("not_permitted", decision.message ?? "Not permitted."), denied: true };
    }
    const context: ToolContext = {
      ...environment,
      signal,
      callId: call.id,
      // The span of this call is active here, so children (bash) join the trace under it.
      env: { ...environment.env, ...traceContextEnv() },
      record,
      capture,
    };
    let result: ToolResult;
    try {
      result = await tool.execute(parsed.data, context);
    } catch (error) {
      if (signal.aborted) return { result: toolError("cancelled", "Cancelled by the user"), denied: false };
      const message = error instanceof Error ? error.message : String(error);
      result = toolError(errorTypeOf(error), `${tool.name} failed: ${message}`);
    }
    return { result: await this.#capOutput(result, call, environment, record), denied: false };
  }

  /** Cuts an output over the cap, saving it whole when there is a place for it. */
  async #capOutput(
    result: ToolResult,
    call: ToolCall,
    environment: ToolEnvironment,
    record: (attributes: Attributes) => void,
  ): Promise<ToolResult> {
    if (result.ok) {
      const output = truncateBytes(result.output, MAX_TOOL_OUTPUT_BYTES);
      if (output === result.output) return result;
      record({ [KODELET.OUTPUT_TRUNCATED]: true });
      if (environment.toolOutputDir === undefined) return { ...result, output };
      try {
        const path = await saveToolOutput(environment.toolOutputDir, call, result.output);
        record({ [KODELET.OUTPUT_SPILLED]: true });
        return { ...result, output: spilledOutput(result.output, path, MAX_TOOL_OUTPUT_BYTES) };
      } catch (error) {
        // A full disk must not fail the tool: the model still gets the head, as before.
        environment.log.warn("cannot save a large tool output", {
          tool: call.name,
          error: errorTypeOf(error),
        });
        return { ...result, output };
      }
    }
    return result;
  }
}
