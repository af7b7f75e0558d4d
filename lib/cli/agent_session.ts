/**
 * Builds what `run` and `chat` share: the provider client, the tools, the conversation store and
 * the Thread, and prints the agent's progress (text to stdout, tool activity and the summary to
 * stderr; or one JSON event per line with --output json).
 */
import { newConversationId, openConversationStore } from "../conversations/mod.ts";
import type { ConversationStore } from "../conversations/mod.ts";
import { UserFacingError } from "../errors.ts";
import { readEnvironment } from "../config/mod.ts";
import {
  addCost,
  addUsage,
  type AgentEvents,
  type AgentResult,
  createClient,
  LlmError,
  modelFor,
  runAgent,
  systemPrompt,
  type Thread,
  type Usage,
  zeroUsage,
} from "../llm/mod.ts";
import { InMemoryFileReadTracker, InMemoryTodoStore } from "../tools/file_state.ts";
import { defaultRegistry } from "../tools/mod.ts";
import type { ToolEnvironment } from "../tools/registry.ts";
import type { CommandContext } from "./command.ts";
import { formatSummary, toolEndLine, toolStartLine } from "./progress.ts";

/** How the agent's progress is shown. */
export type OutputMode = "text" | "json";

/** A renderer that takes the agent's events itself (the terminal UI) instead of the printed ones. */
export interface SessionView {
  events: AgentEvents;
  /** Gets each finished run's result, instead of the printed summary. */
  onResult(result: AgentResult): void;
}

/** What a session starts from. */
export interface SessionOptions {
  save: boolean;
  resumeId?: string | undefined;
  follow?: boolean;
  output: OutputMode;
  /** When set, the agent's progress goes to this view and nothing is printed. */
  view?: SessionView;
  /**
   * Text output on a terminal: the answer is collected and printed rendered (by this function) when
   * the model finishes it or turns to tools, instead of streaming raw markdown.
   */
  renderMarkdown?: (text: string) => string;
}

/** A ready-to-use agent session. */
export interface AgentSession {
  thread: Thread;
  store: ConversationStore | undefined;
  /** Runs one user message; returns the exit code after printing the summary. */
  ask(text: string, signal: AbortSignal): Promise<number>;
  /** Everything this session's requests cost so far: every finished turn, subagents included. */
  spent(): { usage: Usage; costUsd: number | undefined };
  close(): void;
}

function events(context: CommandContext, options: SessionOptions): AgentEvents {
  const { io } = context;
  const output = options.output;
  if (output === "json") {
    const emit = (event: Record<string, unknown>) => io.stdout(JSON.stringify(event) + "\n");
    return {
      onText: (text) => emit({ type: "text", text }),
      onToolStart: (call) => emit({ type: "tool_call", id: call.id, name: call.name, input: call.input }),
      onToolEnd: (call, result) =>
        emit({
          type: "tool_result",
          id: call.id,
          name: call.name,
          ok: result.ok,
          ...(result.ok ? { output: result.output } : { error: result.error }),
        }),
      onTurnEnd: (turn) =>
        emit({ type: "turn", turn: turn.number, usage: turn.usage, cost_usd: turn.costUsd ?? null }),
    };
  }
  // Text of a turn that asked for tools rarely ends in a newline; end the line before tool activity
  // so the next turn's answer does not run on from it.
  let atLineStart = true;
  const render = options.renderMarkdown;
  let pending = "";
  const flush = () => {
    if (render && pending.trim() !== "") io.stdout(render(pending) + "\n");
    pending = "";
  };
  return {
    onText: (text) => {
      if (render) {
        pending += text;
        return;
      }
      io.stdout(text);
      if (text !== "") atLineStart = text.endsWith("\n");
    },
    onToolStart: (call) => {
      flush();
      if (!atLineStart) io.stdout("\n");
      atLineStart = true;
      io.stderr(toolStartLine(call, context.redact) + "\n");
    },
    onToolEnd: (call, result) => io.stderr(toolEndLine(call, result) + "\n"),
    onTurnEnd: () => flush(),
  };
}

/** The tool environment a subagent gets: no subagent of its own, so no recursion. */
function toolsWithoutSubagent(tools: ToolEnvironment): ToolEnvironment {
  const { subagent: _subagent, ...rest } = tools;
  return rest;
}

/** Opens the store, loads a resumed conversation, and builds the Thread. */
export function createAgentSession(context: CommandContext, options: SessionOptions): AgentSession {
  const { config } = context;
  const needsStore = options.save || options.resumeId !== undefined || options.follow === true;
  const store = needsStore ? openConversationStore(config.basePath) : undefined;
  let resumeId = options.resumeId;
  if (options.follow && resumeId === undefined) resumeId = store?.latestId();
  const previous = resumeId !== undefined ? store?.get(resumeId) : undefined;
  if (resumeId !== undefined && !previous) {
    store?.close();
    throw new UserFacingError(`No conversation "${resumeId}": see "kodelet conversation list"`);
  }
  const conversationId = previous?.id ?? newConversationId();
  const model = modelFor(config.llm);
  const client = createClient(config.llm, {
    conversationId,
    captureContent: config.tracing.captureContent,
    captureMaxBytes: config.tracing.captureMaxBytes,
    redact: context.redact,
    log: context.log,
  });
  const registry = defaultRegistry();
  const tools: ToolEnvironment = {
    cwd: config.cwd,
    env: readEnvironment(),
    log: context.log,
    redact: context.redact,
    captureContent: config.tracing.captureContent,
    captureMaxBytes: config.tracing.captureMaxBytes,
    files: new InMemoryFileReadTracker(),
    todos: new InMemoryTodoStore(previous?.todos ?? []),
    fetch: globalThis.fetch,
  };
  const thread: Thread = {
    conversationId,
    client,
    registry,
    tools,
    model,
    system: systemPrompt(config.cwd),
    maxTokens: config.llm.maxTokens,
    temperature: config.llm.temperature,
    thinkingBudgetTokens: config.llm.thinkingBudgetTokens,
    maxTurns: config.llm.maxTurns,
    messages: previous?.messages ?? [],
    ...(options.save && store ? { persist: (turn) => store.saveTurn(turn) } : {}),
    events: options.view?.events ?? events(context, options),
  };
  // What the session spent: counted per finished turn (so a cancelled or failed run's finished
  // turns count too) and per subagent run.
  let spentUsage = zeroUsage();
  let spentCost: number | undefined;
  const spend = (usage: Usage, costUsd: number | undefined) => {
    spentUsage = addUsage(spentUsage, usage);
    spentCost = addCost(spentCost, costUsd);
  };
  const shown = thread.events;
  thread.events = {
    ...shown,
    onTurnEnd: (turn) => {
      spend(turn.usage, turn.costUsd);
      shown.onTurnEnd?.(turn);
    },
  };
  // A focused, read-only nested agent; its spans nest under the calling execute_tool span. It has
  // no persist (its turns are not the user's conversation) and its usage is added to the run's.
  let subagentUsage = zeroUsage();
  let subagentCost: number | undefined;
  tools.subagent = async (question, signal) => {
    const { persist: _persist, ...parent } = thread;
    const result = await runAgent(
      {
        ...parent,
        registry: registry.readOnly(),
        tools: {
          ...toolsWithoutSubagent(tools),
          files: new InMemoryFileReadTracker(),
          todos: new InMemoryTodoStore(),
        },
        messages: [],
        events: {},
        agentName: "kodelet-subagent",
        maxTurns: Math.min(thread.maxTurns, 20),
      },
      question,
      signal,
    );
    subagentUsage = addUsage(subagentUsage, result.usage);
    subagentCost = addCost(subagentCost, result.costUsd);
    spend(result.usage, result.costUsd);
    return result.text;
  };

  return {
    thread,
    store,
    async ask(text: string, signal: AbortSignal): Promise<number> {
      let result: AgentResult;
      subagentUsage = zeroUsage();
      subagentCost = undefined;
      try {
        result = await runAgent(thread, text, signal);
        // What the user pays for includes the subagents' requests.
        result = {
          ...result,
          usage: addUsage(result.usage, subagentUsage),
          costUsd: addCost(result.costUsd, subagentCost),
        };
      } catch (error) {
        if (error instanceof LlmError && error.kind === "cancelled") {
          if (!options.view) context.io.stderr("\nkodelet: cancelled\n");
          return 130;
        }
        if (error instanceof LlmError) throw new UserFacingError(error.message, 1, { cause: error });
        throw error;
      }
      if (options.view) {
        options.view.onResult(result);
      } else if (options.output === "json") {
        context.io.stdout(
          JSON.stringify({
            type: "done",
            conversation_id: thread.conversationId,
            turns: result.turns,
            stop_reason: result.stopReason,
            usage: result.usage,
            cost_usd: result.costUsd ?? null,
            duration_ms: Math.round(result.durationMs),
          }) + "\n",
        );
      } else {
        if (!options.renderMarkdown) {
          context.io.stdout(result.text.endsWith("\n") || result.text === "" ? "" : "\n");
        }
        context.io.stderr(formatSummary(result, options.save ? thread.conversationId : undefined) + "\n");
      }
      return 0;
    },
    spent: () => ({ usage: spentUsage, costUsd: spentCost }),
    close: () => store?.close(),
  };
}
