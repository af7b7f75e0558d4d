/**
 * Two views of an agent session's events: line mode (text to stdout, tool activity and the summary to
 * stderr) and JSON (one event per line on stdout). `askAndShow` runs one message through a session
 * and turns its end into output and an exit code.
 */
import {
  type AgentEvents,
  type AgentResult,
  type AgentSession,
  openAgentSession,
  type SessionOptions,
} from "../agent/mod.ts";
import { UserFacingError } from "../errors.ts";
import { LlmError } from "../llm/mod.ts";
import { escapeControl, type TerminalStream, terminalStream } from "../safe_text.ts";
import type { Redactor } from "../telemetry/mod.ts";
import type { CommandContext, CommandIO } from "./command.ts";
import { compactLine, formatSummary, retryLine, toolEndLine, toolStartLine } from "./progress.ts";
import { StatusLine } from "./status_line.ts";

/** How the agent's progress is shown. */
export type OutputMode = "text" | "json";

/** A view of the session: its events as they happen, and the end of a run. */
export interface SessionRenderer {
  events: AgentEvents;
  done(result: AgentResult, session: AgentSession): void;
  /** The run ended without a result (failed or cancelled): tidy the screen before the error is shown. */
  stopped?(): void;
}

/** One JSON event per line on stdout. */
export function jsonRenderer(io: CommandIO, redact: Redactor): SessionRenderer {
  const emit = (event: Record<string, unknown>) => io.stdout(JSON.stringify(event) + "\n");
  return {
    events: {
      onText: (text) => emit({ type: "text", text }),
      onThinking: (text) => emit({ type: "thinking", text }),
      onToolStart: (call) => emit({ type: "tool_call", id: call.id, name: call.name, input: call.input }),
      onToolEnd: (call, result) =>
        emit({
          type: "tool_result",
          id: call.id,
          name: call.name,
          ok: result.ok,
          ...(result.ok ? { output: result.output } : { error: result.error }),
          ...(result.ok && result.failed !== undefined ? { failed: result.failed } : {}),
        }),
      onTurnEnd: (turn) =>
        emit({ type: "turn", turn: turn.number, usage: turn.usage, cost_usd: turn.costUsd ?? null }),
      onRetry: (retry) =>
        emit({
          type: "retry",
          attempt: retry.attempt,
          attempts: retry.attempts,
          delay_ms: Math.round(retry.delayMs),
          reason: retry.reason,
        }),
      onCompact: (result) =>
        emit({
          type: "compact",
          reason: result.reason,
          model: result.model,
          tokens_before: result.tokensBefore,
          tokens_after: result.tokensAfter,
          messages_summarised: result.messagesSummarised,
        }),
      onCompactFailed: (message) => emit({ type: "compact_failed", message: redact(message) }),
    },
    done: (result, session) =>
      emit({
        type: "done",
        conversation_id: session.conversationId,
        turns: result.turns,
        stop_reason: result.stopReason,
        usage: result.usage,
        cost_usd: result.costUsd ?? null,
        duration_ms: Math.round(result.durationMs),
      }),
  };
}

/** The answer on stdout, tool activity and the closing summary on stderr. */
export function lineRenderer(
  io: CommandIO,
  redact: Redactor,
  renderMarkdown?: (text: string) => string,
): SessionRenderer {
  // Text of a turn that asked for tools rarely ends in a newline; end the line before tool activity
  // so the next turn's answer does not run on from it.
  let atLineStart = true;
  // Retries show as one line rewritten in place on a terminal, wiped by whatever comes next.
  const status = new StatusLine(io);
  // The model's text may carry escape sequences (OSC 52 writes the clipboard): never passed on.
  // With renderMarkdown (a terminal) each answer is collected and printed rendered when the model
  // finishes it or turns to tools; renderMarkdown removes escape sequences itself.
  let screen = terminalStream();
  let pending = "";
  const flush = () => {
    if (renderMarkdown && pending.trim() !== "") io.stdout(renderMarkdown(pending) + "\n");
    pending = "";
    io.stdout(screen.end());
    screen = terminalStream();
  };
  const endLine = () => {
    endThinking();
    flush();
    if (!atLineStart) io.stdout("\n");
    atLineStart = true;
  };
  // Thinking goes to stderr (stdout stays the answer alone), dimmed on a terminal, a whole line at a
  // time: a log line (--verbose) written while the model thinks then lands between two lines of it,
  // not in the middle of one. The block ends with its line when anything else is shown.
  const dim = io.color && io.stderrIsTerminal === true;
  let thinking: TerminalStream | undefined;
  let thinkingLine = "";
  const writeThinking = (text: string) => {
    thinkingLine += text;
    const cut = thinkingLine.lastIndexOf("\n") + 1;
    if (cut === 0) return;
    const lines = thinkingLine.slice(0, cut);
    thinkingLine = thinkingLine.slice(cut);
    io.stderr(dim ? `\x1b[2m${lines}\x1b[22m` : lines);
  };
  const endThinking = () => {
    if (!thinking) return;
    writeThinking(thinking.end());
    thinking = undefined;
    if (thinkingLine !== "") writeThinking("\n");
  };
  return {
    events: {
      onThinking: (text) => {
        status.clear();
        if (!thinking) {
          // The model's text so far ends its line first (a turn after tools thinks again).
          flush();
          if (!atLineStart) io.stdout("\n");
          atLineStart = true;
          thinking = terminalStream();
          writeThinking("✻ ");
        }
        writeThinking(thinking.write(text));
      },
      onText: (text) => {
        status.clear();
        endThinking();
        if (renderMarkdown) {
          pending += text;
          return;
        }
        io.stdout(screen.write(text));
        if (text !== "") atLineStart = text.endsWith("\n");
      },
      onToolStart: (call) => {
        status.clear();
        endLine();
        io.stderr(toolStartLine(call, redact) + "\n");
      },
      onToolEnd: (call, result) => {
        status.clear();
        endThinking();
        io.stderr(toolEndLine(call, result) + "\n");
      },
      onRetry: (retry) => status.show(retryLine(retry)),
      onTurnEnd: () => {
        endThinking();
        flush();
      },
      onCompact: (result) => {
        status.clear();
        endLine();
        io.stderr(compactLine(result) + "\n");
      },
      onCompactFailed: (message) => {
        status.clear();
        io.stderr(`kodelet: compaction failed: ${redact(message)}\n`);
      },
    },
    done: (result, session) => {
      status.clear();
      endThinking();
      flush();
      if (!renderMarkdown) io.stdout(result.text.endsWith("\n") || result.text === "" ? "" : "\n");
      io.stderr(formatSummary(result, session.saving ? session.conversationId : undefined) + "\n");
    },
    // A stream cut mid-answer: the error goes on its own line, not after the half sentence.
    stopped: () => {
      status.clear();
      endLine();
    },
  };
}

/** The one stderr line about an MCP server that could not start (in either output mode). */
export function mcpFailureReporter(
  io: CommandIO,
  redact: Redactor,
): (server: string, reason: string) => void {
  return (server, reason) =>
    io.stderr(escapeControl(redact(`kodelet: MCP server "${server}" failed to start: ${reason}`)) + "\n");
}

/** The renderer for an output mode. */
export function rendererFor(
  output: OutputMode,
  io: CommandIO,
  redact: Redactor,
  renderMarkdown?: (text: string) => string,
): SessionRenderer {
  return output === "json" ? jsonRenderer(io, redact) : lineRenderer(io, redact, renderMarkdown);
}

/** Runs one user message and shows how it ended; returns the exit code (130 when cancelled). */
export async function askAndShow(
  session: AgentSession,
  renderer: SessionRenderer,
  io: CommandIO,
  text: string,
  signal: AbortSignal,
): Promise<number> {
  let result: AgentResult;
  try {
    result = await session.ask(text, signal);
  } catch (error) {
    renderer.stopped?.();
    if (error instanceof LlmError && error.kind === "cancelled") {
      io.stderr("\nkodelet: cancelled\n");
      return 130;
    }
    if (error instanceof LlmError) throw new UserFacingError(error.message, 1, { cause: error });
    throw error;
  }
  renderer.done(result, session);
  return 0;
}

/** Opens the agent session of a command, built from its context, with a renderer for `output`. */
export function openShownSession(
  context: CommandContext,
  output: OutputMode,
  options: SessionOptions,
  renderMarkdown?: (text: string) => string,
): { session: AgentSession; renderer: SessionRenderer } {
  const renderer = rendererFor(output, context.io, context.redact, renderMarkdown);
  const session = openAgentSession(
    {
      config: context.config,
      log: context.log,
      redact: context.redact,
      events: renderer.events,
      onMcpServerFailed: mcpFailureReporter(context.io, context.redact),
      onWarning: (text) => context.io.stderr(escapeControl(context.redact(`kodelet: ${text}`)) + "\n"),
    },
    options,
  );
  return { session, renderer };
}
