/**
 * The terminal UI's state and behaviour without React: it turns the agent session's events into a
 * transcript, the live answer, the spinner's activity and the status line, runs slash commands and
 * asks for approvals. The Ink components only draw its snapshots and forward keys.
 */
import type { AgentEvents, AgentSession, Spent } from "../../agent/mod.ts";
import { LlmError, type Message, textOf, type Usage, zeroUsage } from "../../llm/mod.ts";
import { escapeControl, stripTerminalControls } from "../../safe_text.ts";
import type { Redactor } from "../../telemetry/mod.ts";
import type { ToolResult } from "../../tools/mod.ts";
import { compactLine, contextPart, oneLine, preview, retryLine } from "../progress.ts";
import { findSlashCommand, type SlashContext } from "../slash_commands.ts";
import type { ApprovalAnswer, ApprovalRequest, Approver } from "./approval.ts";
import { changeOf, diffLines } from "./diff_view.ts";
import { stableCut } from "./markdown.ts";
import type { StatusFigures } from "./status.ts";
import { thinkingLines } from "./thinking_view.ts";
import type { Style } from "../format.ts";

/** One finished entry of the transcript (drawn once, above the live area). */
export type TranscriptItem =
  | { id: number; kind: "user"; text: string }
  | { id: number; kind: "answer"; text: string }
  /** A finished thinking block, drawn collapsed to one line (Ctrl-O shows the last one in full). */
  | { id: number; kind: "thinking"; lines: number }
  | {
    id: number;
    kind: "tool";
    ok: boolean;
    name: string;
    summary: string;
    outcome: string;
    detail: string[];
  }
  | { id: number; kind: "notice"; text: string; tone: "info" | "error" };

/** A transcript entry before it has its id. */
type NewItem = TranscriptItem extends infer T ? T extends TranscriptItem ? Omit<T, "id"> : never : never;

/** A tool call in progress. */
export interface RunningTool {
  id: string;
  name: string;
  summary: string;
}

/** A question waiting for the user's y / n / a. */
export interface PendingApproval {
  request: ApprovalRequest;
  answer(answer: ApprovalAnswer): void;
}

/** Everything the screen shows, as one immutable snapshot. */
export interface TuiState {
  transcript: readonly TranscriptItem[];
  /** The part of the answer still streaming (complete blocks move to the transcript). */
  streaming: string;
  /** The turn in progress: when it started and what is happening. */
  turn: { started: number; activity: string } | undefined;
  tools: readonly RunningTool[];
  approval: PendingApproval | undefined;
  status: StatusFigures;
  /** A one-shot hint under the prompt ("Ctrl-C again to exit"). */
  hint: string | undefined;
  /** The last thinking block: `live` while it streams (before it is in the transcript). */
  thinking: { text: string; live: boolean } | undefined;
  /** Whether the last thinking block is shown in full (Ctrl-O) instead of as one line. */
  thinkingExpanded: boolean;
}

/** What the controller is built from. */
export interface ControllerOptions {
  /**
   * Opens the session, reporting to `events` and asking `approver` before a tool needs the user's
   * yes. Asynchronous: the prompt is drawn before the session's modules (and the provider's SDK)
   * have loaded, and a prompt sent before then waits for it.
   */
  openSession(events: AgentEvents, approver: Approver): Promise<AgentSession>;
  /** The model shown until the session is open. */
  model: string;
  style: Style;
  redact: Redactor;
  cwd: string;
  /** The trace id turns are recorded under, when tracing is on. */
  traceId: string | undefined;
  /** The keys, for /help. */
  keys: string;
  /** Called once when the user ends the chat. */
  onExit(): void;
}

const FOLDED_OUTPUT_LINES = 3;

function usageTokens(usage: Usage): number {
  return usage.input + usage.output + usage.cacheRead + usage.cacheWrite;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A tool's output as lines; the newline that ends the last line does not start another. */
function outputLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * One line of command output as the terminal shows it: indentation and column spacing kept (a
 * traceback or `ls -l` stays readable), tabs expanded, control characters escaped, cut at `max`.
 */
function outputLine(text: string, max: number): string {
  const line = escapeControl(text.replaceAll("\t", "    ").trimEnd());
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}

/** Whether a refusal came from the user at the approval prompt (its text is addressed to the model). */
function declinedByUser(message: string): boolean {
  return message.startsWith("The user declined");
}

/** Under the prompt when Enter is pressed while an answer is still coming. */
export const BUSY_HINT = "an answer is in progress: Esc cancels it";

/** The exit code a bash result reports, when it failed. */
function exitCodeOf(result: ToolResult): number | undefined {
  const text = result.ok ? result.output : result.error.message;
  const match = /(?:^|\n)Exit code: (\d+)\s*$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The state and behaviour of one chat on a terminal. */
export class ChatController {
  #state: TuiState;
  readonly #listeners = new Set<() => void>();
  readonly #options: ControllerOptions;
  #session: AgentSession | undefined;
  readonly #ready: Promise<AgentSession>;
  #turn: AbortController | undefined;
  #nextId = 1;
  /** File content before a file_edit / file_write ran, for its diff. */
  readonly #before = new Map<string, string | undefined>();
  #exited = false;

  constructor(options: ControllerOptions) {
    this.#options = options;
    this.#state = {
      transcript: [],
      streaming: "",
      turn: undefined,
      tools: [],
      approval: undefined,
      hint: undefined,
      thinking: undefined,
      thinkingExpanded: false,
      status: {
        model: options.model,
        context: undefined,
        sessionTokens: 0,
        costUsd: undefined,
        traceId: options.traceId,
      },
    };
    this.#ready = options.openSession(this.#events(), this.approver).then((session) => {
      this.#session = session;
      if (session.model !== this.#state.status.model) {
        this.#set({ status: { ...this.#state.status, model: session.model } });
      }
      return session;
    });
    // A session that cannot open is reported by whoever awaits `ready` (the chat ends with it).
    this.#ready.catch(() => {});
  }

  /** Resolves with the session once it is open; rejects with what kept it from opening. */
  get ready(): Promise<AgentSession> {
    return this.#ready;
  }

  /** For React's useSyncExternalStore. */
  subscribe = (listener: () => void): () => void => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The current snapshot. */
  getState = (): TuiState => this.#state;

  /** Whether a turn is running. */
  get busy(): boolean {
    return this.#turn !== undefined;
  }

  /** The session in use, once it is open (the exit summary reads it). */
  get session(): AgentSession | undefined {
    return this.#session;
  }

  #set(patch: Partial<TuiState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }

  #push(...items: NewItem[]): void {
    const added = items.map((item) => ({ ...item, id: this.#nextId++ }) as TranscriptItem);
    this.#set({ transcript: [...this.#state.transcript, ...added] });
  }

  /** Adds a line of information (or an error) to the transcript. */
  notice(text: string, tone: "info" | "error" = "info"): void {
    // Notices carry provider messages and other text kodelet did not write.
    this.#push({ kind: "notice", text: stripTerminalControls(text), tone });
  }

  /** Shows what is happening while a turn waits (e.g. "retrying in 2s (529)"). */
  activity(text: string): void {
    if (this.#state.turn) this.#set({ turn: { ...this.#state.turn, activity: text } });
  }

  /**
   * Puts a resumed conversation's earlier turns in the transcript: the questions, the answers and a
   * line per tool call (results are not kept in full; `kodelet conversation show` has them). Without
   * this a resumed chat showed an empty screen though the model had everything.
   */
  showEarlier(messages: readonly Message[]): void {
    const failed = new Set<string>();
    for (const message of messages) {
      for (const block of message.content) {
        if (block.type === "tool_result" && block.isError) failed.add(block.toolUseId);
      }
    }
    const items: NewItem[] = [];
    for (const message of messages) {
      const text = textOf(message.content);
      if (message.role === "user") {
        if (text !== "") items.push({ kind: "user", text: stripTerminalControls(text) });
        continue;
      }
      if (text !== "") items.push({ kind: "answer", text: stripTerminalControls(text) });
      for (const block of message.content) {
        if (block.type !== "tool_use") continue;
        const ok = !failed.has(block.id);
        const summary = oneLine(this.#options.redact(preview(block.input)), 80);
        items.push({
          kind: "tool",
          ok,
          name: block.name,
          summary,
          outcome: ok ? "done" : "failed",
          detail: [],
        });
      }
    }
    if (items.length === 0) return;
    this.#push(...items, { kind: "notice", text: "— resumed here —", tone: "info" });
  }

  /** Sets or clears the one-shot hint under the prompt. */
  hint(text: string | undefined): void {
    if (this.#state.hint !== text) this.#set({ hint: text });
  }

  /** Moves what has streamed so far into the transcript (`all`), or only its complete blocks. */
  #commitStreaming(all: boolean): void {
    const text = this.#state.streaming;
    const cut = all ? text.length : stableCut(text);
    if (cut === 0) return;
    const done = text.slice(0, cut).trimEnd();
    const rest = text.slice(cut);
    this.#state = { ...this.#state, streaming: rest };
    if (done.trim() !== "") this.#push({ kind: "answer", text: done });
    else this.#set({});
  }

  /** Ends the thinking block in progress: it goes into the transcript as its one line. */
  #endThinking(): void {
    const thinking = this.#state.thinking;
    if (!thinking?.live) return;
    this.#state = { ...this.#state, thinking: { text: thinking.text, live: false } };
    this.#push({ kind: "thinking", lines: thinkingLines(thinking.text) });
  }

  /** Ctrl-O: shows the last thinking block in full, or folds it back to one line. */
  toggleThinking(): void {
    if (!this.#state.thinking) {
      this.hint("no thinking to show yet");
      return;
    }
    this.#set({ thinkingExpanded: !this.#state.thinkingExpanded });
  }

  #events(): AgentEvents {
    return {
      ...{
        onThinking: (text) => {
          if (text === "") return;
          const thinking = this.#state.thinking;
          if (!thinking?.live) this.#commitStreaming(true);
          // Thinking is model output: escape sequences never reach the screen.
          const safe = stripTerminalControls(text);
          this.#set({
            thinking: { text: (thinking?.live ? thinking.text : "") + safe, live: true },
            ...(this.#state.turn ? { turn: { ...this.#state.turn, activity: "thinking" } } : {}),
          });
        },
        onText: (text) => {
          if (text === "") return;
          this.#endThinking();
          this.#set({
            streaming: this.#state.streaming + text,
            ...(this.#state.turn ? { turn: { ...this.#state.turn, activity: "writing" } } : {}),
          });
          this.#commitStreaming(false);
        },
        onToolStart: (call) => {
          this.#endThinking();
          this.#commitStreaming(true);
          if (call.name === "file_edit" || call.name === "file_write") {
            this.#before.set(call.id, this.#readFile(call.input));
          }
          const summary = oneLine(this.#options.redact(preview(call.input)), 80);
          const tools = [...this.#state.tools, { id: call.id, name: call.name, summary }];
          this.#set({
            tools,
            ...(this.#state.turn ? { turn: { ...this.#state.turn, activity: `calling ${call.name}` } } : {}),
          });
          this.#pendingInputs.set(call.id, call.input);
        },
        onToolEnd: (call, result) => this.#toolEnded(call, result),
        // The spinner says why nothing moves: "retrying in 2s (529 overloaded), attempt 2 of 5".
        onRetry: (retry) => this.activity(retryLine(retry)),
        onCompact: (result) => {
          this.#commitStreaming(true);
          this.notice(compactLine(result));
        },
        onCompactFailed: (message) =>
          this.notice(`compaction failed: ${this.#options.redact(message)}`, "error"),
        onTurnEnd: () => {
          this.#endThinking();
          this.#set({
            status: this.#currentStatus(),
            ...(this.#state.turn ? { turn: { ...this.#state.turn, activity: "thinking" } } : {}),
          });
        },
      },
    };
  }

  readonly #pendingInputs = new Map<string, Record<string, unknown>>();

  #readFile(input: Record<string, unknown>): string | undefined {
    const path = typeof input.path === "string" ? input.path : undefined;
    if (path === undefined) return undefined;
    try {
      return Deno.readTextFileSync(path.startsWith("/") ? path : `${this.#options.cwd}/${path}`);
    } catch {
      return undefined;
    }
  }

  #toolEnded(call: { id: string; name: string }, result: ToolResult): void {
    const running = this.#state.tools.find((tool) => tool.id === call.id);
    const input = this.#pendingInputs.get(call.id) ?? {};
    this.#pendingInputs.delete(call.id);
    const summary = running?.summary ?? "";
    const exitCode = exitCodeOf(result);
    const ok = result.ok && exitCode === undefined;
    const { style } = this.#options;
    let outcome: string;
    let detail: string[] = [];
    if (!result.ok) {
      outcome = exitCode !== undefined
        ? `exit ${exitCode}`
        : declinedByUser(result.error.message)
        ? "declined"
        : `${result.error.kind}: ${oneLine(result.error.message, 100)}`;
    } else if (exitCode !== undefined) {
      outcome = `exit ${exitCode}`;
    } else {
      const lines = outputLines(result.output).length;
      outcome = `${lines} line${lines === 1 ? "" : "s"}`;
    }
    const change = result.ok ? changeOf(call.name, input, this.#before.get(call.id)) : undefined;
    this.#before.delete(call.id);
    if (change) {
      const diff = diffLines(change.path, change.before, change.after, style);
      outcome = `+${diff.added} -${diff.removed}`;
      detail = diff.lines;
    } else if (call.name === "bash" && (result.ok || exitCode !== undefined)) {
      // Long results are folded: the first lines, then how many more. A call that never ran (refused,
      // bad arguments) has no output: its reason is already on the tool's line.
      const text = result.ok ? result.output : result.error.message;
      const lines = outputLines(text.replace(/\n?Exit code: \d+\s*$/, ""));
      detail = lines.slice(0, FOLDED_OUTPUT_LINES).map((line) => style("dim", outputLine(line, 200)));
      if (lines.length > FOLDED_OUTPUT_LINES) {
        detail.push(style("gray", `… ${lines.length - FOLDED_OUTPUT_LINES} more lines`));
      }
    }
    this.#set({ tools: this.#state.tools.filter((tool) => tool.id !== call.id) });
    this.#push({ kind: "tool", ok, name: call.name, summary, outcome, detail });
    if (this.#state.tools.length === 0 && this.#state.turn) {
      this.#set({ turn: { ...this.#state.turn, activity: "thinking" } });
    }
  }

  /** What the whole chat spent, conversations closed by /clear included. */
  spent(): Spent {
    return this.#session?.spent() ?? { usage: zeroUsage(), costUsd: undefined };
  }

  #slashContext(session: AgentSession): SlashContext {
    return {
      say: (text) => this.notice(text),
      model: () => session.model,
      setModel: (name) => {
        session.model = name;
        this.#set({ status: { ...this.#state.status, model: name } });
      },
      newConversation: () => {
        session.newConversation();
        this.#set({ status: { ...this.#state.status, context: undefined } });
      },
      spent: () => this.spent(),
      contextText: () => {
        const now = session.contextUsage();
        return now ? contextPart(now) : undefined;
      },
      compact: (instructions) => this.#compact(instructions),
      traceId: () => this.#options.traceId,
      exit: () => this.exit(),
      keys: this.#options.keys,
    };
  }

  /**
   * Handles a submitted prompt: a slash command runs at once; anything else starts a turn (refused
   * while one is running, so that a second Enter never sends twice). Returns false when refused.
   */
  submit(text: string): boolean {
    const trimmed = text.trim();
    if (trimmed === "") return true;
    const slash = findSlashCommand(trimmed);
    if (slash) {
      this.#push({ kind: "user", text: trimmed });
      // Typed before the session was open: the command runs once it is.
      void this.#ready.then((session) => slash.command.run(this.#slashContext(session), slash.args)).catch((
        error,
      ) => this.notice(error instanceof Error ? error.message : String(error), "error"));
      return true;
    }
    if (trimmed.startsWith("/") && !/\s/.test(trimmed)) {
      this.notice(`unknown command ${trimmed}: /help lists them`, "error");
      return true;
    }
    if (this.#turn) return false;
    this.#push({ kind: "user", text });
    void this.#runTurn(text);
    return true;
  }

  async #runTurn(text: string): Promise<void> {
    const turn = new AbortController();
    this.#turn = turn;
    this.#set({ turn: { started: performance.now(), activity: this.#session ? "thinking" : "starting" } });
    try {
      // A prompt sent while the session still opens is sent when it is open (Esc cancels the wait).
      const session = await this.#ready;
      if (turn.signal.aborted) throw new LlmError("cancelled", "Cancelled");
      this.activity("thinking");
      await session.ask(text, turn.signal);
      this.#endThinking();
      this.#commitStreaming(true);
    } catch (error) {
      this.#endThinking();
      this.#commitStreaming(true);
      if (error instanceof LlmError && error.kind === "cancelled") this.notice("cancelled", "error");
      else this.notice(this.#options.redact(error instanceof Error ? error.message : String(error)), "error");
    } finally {
      this.#turn = undefined;
      this.#refreshStatus();
      this.#set({ turn: undefined, tools: [], ...this.#busyHintGone() });
    }
  }

  /** `/compact`: like a turn (spinner, Esc cancels), but a summary request instead of a question. */
  async #compact(instructions: string | undefined): Promise<void> {
    if (this.#turn) {
      this.notice("an answer is in progress: /compact after it", "error");
      return;
    }
    const turn = new AbortController();
    this.#turn = turn;
    this.#set({ turn: { started: performance.now(), activity: "compacting" } });
    try {
      // The onCompact event says what was compacted.
      const session = await this.#ready;
      if (turn.signal.aborted) throw new LlmError("cancelled", "Cancelled");
      const done = await session.compact(instructions, turn.signal);
      if (done === undefined) this.notice("nothing to compact yet");
    } catch (error) {
      if (error instanceof LlmError && error.kind === "cancelled") this.notice("cancelled", "error");
      else this.notice(`compaction failed: ${this.#options.redact(errorText(error))}`, "error");
    } finally {
      this.#turn = undefined;
      this.#refreshStatus();
      this.#set({ turn: undefined, ...this.#busyHintGone() });
    }
  }

  /** Once the answer is over, "an answer is in progress" under the prompt is no longer true. */
  #busyHintGone(): { hint?: undefined } {
    return this.#state.hint === BUSY_HINT ? { hint: undefined } : {};
  }

  /** The status line's figures as the session has them now. */
  #currentStatus(): StatusFigures {
    const spent = this.spent();
    return {
      ...this.#state.status,
      context: this.#session?.contextUsage(),
      sessionTokens: usageTokens(spent.usage),
      costUsd: spent.costUsd,
    };
  }

  #refreshStatus(): void {
    this.#set({ status: this.#currentStatus() });
  }

  /** Cancels the turn in progress (Esc); false when none is running. */
  cancelTurn(): boolean {
    if (!this.#turn || this.#turn.signal.aborted) return false;
    this.#turn.abort();
    this.activity("cancelling");
    return true;
  }

  /** Asks the user at the approval prompt; the turn's cancellation answers "no". */
  approver: Approver = (request, signal) => {
    if (signal.aborted) return Promise.resolve("no");
    return new Promise<ApprovalAnswer>((resolve) => {
      const finish = (answer: ApprovalAnswer) => {
        signal.removeEventListener("abort", onAbort);
        if (this.#state.approval?.request === request) this.#set({ approval: undefined });
        resolve(answer);
      };
      const onAbort = () => finish("no");
      signal.addEventListener("abort", onAbort, { once: true });
      this.#set({ approval: { request, answer: finish } });
    });
  };

  /** Ends the chat: cancels a running turn and tells the app to unmount. */
  exit(): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#turn?.abort();
    this.#state.approval?.answer("no");
    this.#options.onExit();
  }

  /** Closes the session's store (once it is open; one that never opened has nothing to close). */
  close(): Promise<void> {
    return this.#ready.then((session) => session.close(), () => {});
  }
}
