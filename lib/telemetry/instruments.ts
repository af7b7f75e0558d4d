/**
 * The hook points of metrics and log events: the LLM client, the tool registry and the commands call
 * these functions, and whatever signal runtimes were started (signals.ts, loaded only when a signal is
 * on) receive the records. With no runtime installed every call is a loop over an empty list, so
 * callers never ask whether metrics or logs are on, and nothing of the SDK is loaded for them.
 */

/** One finished LLM operation (all its retries included). */
export interface LlmCallRecord {
  provider: string;
  model: string;
  /** The model the server says answered; undefined when it failed. */
  responseModel?: string | undefined;
  durationS: number;
  timeToFirstChunkS?: number | undefined;
  /** Token counts as the provider reports them (input excludes cache reads and writes). */
  usage?: { input: number; output: number; cacheRead: number; cacheWrite: number } | undefined;
  costUsd?: number | undefined;
  /** Set when the operation failed: the HTTP status or the error kind. */
  errorType?: string | undefined;
  status?: number | undefined;
  /** 1 for the first attempt; retries add one each. */
  attempt: number;
}

/** One attempt that failed and is about to be retried. */
export interface RetryRecord {
  provider: string;
  model: string;
  errorType: string;
  status?: number | undefined;
  /** The attempt that failed, 1-based. */
  attempt: number;
  delayMs: number;
}

/** How a tool call ended. */
export type ToolOutcome = "ok" | "error" | "denied" | "cancelled";

/** One finished tool call. */
export interface ToolCallRecord {
  tool: string;
  outcome: ToolOutcome;
  errorType?: string | undefined;
  durationS: number;
  /** Size of what the tool returned to the model. */
  outputBytes: number;
  linesAdded: number;
  linesRemoved: number;
}

/**
 * One decision of the permission gate. Fixed words and configuration only: the rule is a configured
 * rule (a rule an "always" answer added quotes the command or path, so the caller leaves it out unless
 * content capture is on), never the command, path or URL itself.
 */
export interface ToolDecisionRecord {
  tool: string;
  callId: string;
  decision: "allow" | "deny";
  /** mode | rule | user | hard_limit | no_terminal. */
  source: string;
  /** The rule(s) that decided, joined with ", "; undefined when none may be recorded. */
  rule?: string | undefined;
  /** The hard limit that refused the call. */
  limit?: string | undefined;
  /** The permission mode in force (ask, accept-edits, read-only, yolo). */
  mode: string;
}

/** One compaction of a conversation. */
export interface CompactionRecord {
  reason: string;
  model: string;
  tokensBefore: number;
  tokensAfter: number;
  messagesSummarised: number;
  costUsd?: number | undefined;
}

/** The severities of kodelet's own log lines. */
export type LogLineLevel = "debug" | "info" | "warn" | "error";

/** What a signal runtime may receive; each runtime implements the parts it cares about. */
export interface SignalSink {
  session?(command: string): void;
  userPrompt?(length: number, text: string): void;
  llmCall?(record: LlmCallRecord): void;
  retry?(record: RetryRecord): void;
  toolCall?(record: ToolCallRecord): void;
  toolDecision?(record: ToolDecisionRecord): void;
  compaction?(record: CompactionRecord): void;
  logLine?(level: LogLineLevel, message: string, fields: Record<string, unknown>): void;
}

const sinks: SignalSink[] = [];
let sessionId: string | undefined;
let commandName: string | undefined;

/** Adds a runtime's sink; returns the function that removes it again. */
export function installSink(sink: SignalSink): () => void {
  sinks.push(sink);
  return () => {
    const index = sinks.indexOf(sink);
    if (index >= 0) sinks.splice(index, 1);
  };
}

/** Whether any signal runtime listens (callers may skip work that only feeds the signals). */
export function signalsActive(): boolean {
  return sinks.length > 0;
}

/** The conversation the records belong to (events carry it; metrics only on request). */
export function currentSessionId(): string | undefined {
  return sessionId;
}

/** The command being run (`run`, `chat`, `conversation list`). */
export function currentCommand(): string | undefined {
  return commandName;
}

function each(call: (sink: SignalSink) => void): void {
  for (const sink of sinks) {
    // A signal must never break the command it observes.
    try {
      call(sink);
    } catch {
      // dropped: the record is lost, the run goes on
    }
  }
}

/** The recording functions the rest of kodelet calls. */
export const signals = {
  /** A command starts: counts the session and names the command on what follows. */
  session(command: string): void {
    commandName = command;
    each((sink) => sink.session?.(command));
  },
  /** The conversation id of the agent session that follows. */
  setSessionId(id: string): void {
    sessionId = id;
  },
  userPrompt(text: string): void {
    each((sink) => sink.userPrompt?.(text.length, text));
  },
  llmCall(record: LlmCallRecord): void {
    each((sink) => sink.llmCall?.(record));
  },
  retry(record: RetryRecord): void {
    each((sink) => sink.retry?.(record));
  },
  toolCall(record: ToolCallRecord): void {
    each((sink) => sink.toolCall?.(record));
  },
  /** Called in the execute_tool span, so the event carries its trace and span id. */
  toolDecision(record: ToolDecisionRecord): void {
    each((sink) => sink.toolDecision?.(record));
  },
  compaction(record: CompactionRecord): void {
    each((sink) => sink.compaction?.(record));
  },
  logLine(level: LogLineLevel, message: string, fields: Record<string, unknown>): void {
    each((sink) => sink.logLine?.(level, message, fields));
  },
};
