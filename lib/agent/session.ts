/**
 * The agent session: what `run` and `chat` share, built from the configuration in one place. It opens
 * the conversation store, resumes a conversation, builds the provider client, the tools and the
 * Thread, runs subagents, keeps the one record of what was spent, and saves each turn. It prints
 * nothing: the command hands it the events it renders (line mode or JSON) and shows what `ask` returns.
 */
import { join } from "node:path";
import { newConversationId, openConversationStore } from "../conversations/mod.ts";
import type { Conversation, ConversationStore, TurnRecord } from "../conversations/mod.ts";
import { UserFacingError } from "../errors.ts";
import { type Config, homeDirectory, readEnvironment } from "../config/mod.ts";
import type { Logger } from "../log.ts";
import {
  addCost,
  addUsage,
  contextWindowOf,
  createClient,
  type LlmClient,
  type Message,
  modelFor,
  sessionSystemPrompt,
} from "../llm/mod.ts";
import { type CompactionResult, ContextWindow } from "./compaction.ts";
import { type Redactor, signals } from "../telemetry/mod.ts";
import {
  allTools,
  type Approver,
  BashSandbox,
  childEnvironment,
  defaultRegistry,
  InMemoryFileReadTracker,
  InMemoryTodoStore,
  McpManager,
  parseRules,
  PermissionGate,
  sandboxWarning,
  systemTempDir,
  type ToolEnvironment,
  ToolRegistry,
} from "../tools/mod.ts";
import { Spending, type Spent } from "./spending.ts";
import { type AgentEvents, type AgentResult, compactThread, runAgent, type Thread } from "./thread.ts";

/** What a session starts from. */
export interface SessionOptions {
  save: boolean;
  resumeId?: string | undefined;
  follow?: boolean;
  /** Who answers approval questions; absent when nobody can (no terminal, --output json, CI). */
  approver?: Approver | undefined;
  /** Keep a question interrupted by Ctrl-C in the conversation (an interactive session does). */
  keepInterrupted?: boolean;
}

/** What a session is built from: the configuration, and the command's logger, redactor and renderer. */
export interface SessionSetup {
  config: Config;
  log: Logger;
  redact: Redactor;
  /** What the renderer hears while the agent works. */
  events: AgentEvents;
  /** Replaces the provider client (tests). */
  client?: LlmClient;
  /** Told about each configured MCP server that could not start (the run goes on without its tools). */
  onMcpServerFailed?: (server: string, reason: string) => void;
  /** Told a warning line for the user (e.g. the sandbox is on but cannot run); absent: it is logged. */
  onWarning?: (text: string) => void;
}

/** A ready-to-use agent session. */
export interface AgentSession {
  /** The conversation in progress. */
  readonly conversationId: string;
  /** The model of the next request; `/model` changes it. */
  model: string;
  /** Whether turns are saved to the conversation store. */
  readonly saving: boolean;
  /**
   * Runs one user message. The result's usage and cost are everything this run's requests cost,
   * its subagents' included. Throws LlmError when the provider fails for good or the run is cancelled.
   */
  ask(text: string, signal: AbortSignal): Promise<AgentResult>;
  /** Everything this session's requests cost so far, every conversation (/clear) and subagent included. */
  spent(): Spent;
  /** Starts a new, empty conversation in the same session (`/clear`). */
  newConversation(): void;
  /**
   * Compacts the conversation now (`/compact [instructions]`); the onCompact event shows it. Undefined
   * when there is nothing to compact; throws LlmError when the summary request fails.
   */
  compact(instructions: string | undefined, signal: AbortSignal): Promise<CompactionResult | undefined>;
  /** How full the model's context window is, once a response has said. */
  contextUsage(): { used: number; window: number } | undefined;
  /** The conversation's messages so far (a resumed one's earlier turns first), for showing them. */
  messages(): readonly Message[];
  /** Closes the store and ends the MCP servers' sessions (and their processes). */
  close(): Promise<void>;
}

/** The tool environment a subagent gets: no subagent of its own, so no recursion. */
function toolsWithoutSubagent(tools: ToolEnvironment): ToolEnvironment {
  const { subagent: _subagent, ...rest } = tools;
  return rest;
}

/** Opens the store, loads a resumed conversation, and builds the session. */
export function openAgentSession(setup: SessionSetup, options: SessionOptions): AgentSession {
  const { config } = setup;
  // Rules first: a bad rule is a usage error before anything is opened. One gate for the whole
  // session, so an "always" answer outlives /clear.
  const processEnv = readEnvironment();
  const permissions = new PermissionGate({
    mode: config.permissions.mode,
    allow: parseRules("permissions.allow", config.permissions.allow),
    deny: parseRules("permissions.deny", config.permissions.deny),
  }, { approver: options.approver, tmpDir: systemTempDir(processEnv), home: homeDirectory(processEnv) });
  const needsStore = options.save || options.resumeId !== undefined || options.follow === true;
  const store: ConversationStore | undefined = needsStore
    ? openConversationStore(config.basePath)
    : undefined;
  let resumeId = options.resumeId;
  if (options.follow && resumeId === undefined) resumeId = store?.latestId();
  const previous = resumeId !== undefined ? store?.get(resumeId) : undefined;
  if (resumeId !== undefined && !previous) {
    store?.close();
    throw new UserFacingError(`No conversation "${resumeId}": see "kodelet conversation list"`);
  }
  // The one record of what this session spent: every finished turn (so a cancelled or failed run's
  // finished turns count too) and every subagent run.
  const spending = new Spending();
  // Where the turn in progress started in the record: what was added since then, when the turn is
  // saved, is what its subagents spent.
  let turnStart = spending.mark();
  /** A turn's own figures plus what its subagents spent: what the turn cost the user. */
  const withSubagents = <T extends Spent>(turn: T): T => {
    const subagents = spending.since(turnStart);
    return {
      ...turn,
      usage: addUsage(turn.usage, subagents.usage),
      costUsd: addCost(turn.costUsd, subagents.costUsd),
    };
  };
  const events: AgentEvents = {
    ...setup.events,
    onTurnEnd: (turn) => {
      const shown = withSubagents(turn);
      spending.add(turn.usage, turn.costUsd);
      turnStart = spending.mark();
      setup.events.onTurnEnd?.(shown);
    },
    onCompact: (result) => {
      spending.add(result.usage, result.costUsd);
      setup.events.onCompact?.(result);
    },
  };
  // A saved turn carries what its subagents spent too, so that `conversation list` shows what the
  // conversation cost, the figure `run`'s summary gives.
  const save = (turn: TurnRecord) => store?.saveTurn(withSubagents(turn));
  // Read-only mode does not offer the other tools at all.
  let registry = defaultRegistry().only((tool) => permissions.offers(tool));
  // MCP servers start at the first question, not before: a session that never asks starts none.
  const mcp = config.mcp.servers.some((server) => server.enabled)
    ? new McpManager(config.mcp, { cwd: config.cwd, log: setup.log })
    : undefined;
  let mcpStarted = false;
  const startMcp = async () => {
    if (!mcp || mcpStarted) return;
    mcpStarted = true;
    for (const status of await mcp.start()) {
      if (status.state === "failed") setup.onMcpServerFailed?.(status.name, status.reason ?? "unknown");
    }
    registry = new ToolRegistry([...allTools(), ...mcp.tools()]).only((tool) => permissions.offers(tool));
    thread.registry = registry;
  };
  // Commands the model runs never see kodelet's keys or the user's tokens (see tools/child_env.ts).
  const env = childEnvironment(processEnv, config.tools.bash.envPassthrough);
  // One sandbox for the session: bwrap is looked for and tried once, at the first bash call.
  const sandbox = new BashSandbox({
    enabled: config.permissions.sandbox,
    network: config.permissions.sandboxNetwork,
    tmpDir: systemTempDir(processEnv),
  }, (reason) => {
    const text = sandboxWarning(reason);
    if (setup.onWarning) setup.onWarning(text);
    else setup.log.warn(text);
  });
  let model = modelFor(config.llm);
  // Started now, awaited by the first question or compaction: git (in the workspace facts) runs
  // while the provider's SDK loads. Its failure is reported where it is awaited.
  let system = "";
  const systemReady = sessionSystemPrompt(config, env).then((text) => {
    system = text;
    thread.system = text;
  });
  systemReady.catch(() => {});

  const buildThread = (from: Conversation | undefined): Thread => {
    const conversationId = from?.id ?? newConversationId();
    signals.setSessionId(conversationId);
    const client = setup.client ?? createClient(config.llm, {
      conversationId,
      contextWindow: config.context.window,
      captureContent: config.tracing.captureContent,
      captureMaxBytes: config.tracing.captureMaxBytes,
      redact: setup.redact,
      log: setup.log,
      env: readEnvironment(),
    });
    const tools: ToolEnvironment = {
      cwd: config.cwd,
      env,
      log: setup.log,
      redact: setup.redact,
      captureContent: config.tracing.captureContent,
      captureMaxBytes: config.tracing.captureMaxBytes,
      files: new InMemoryFileReadTracker(),
      todos: new InMemoryTodoStore(from?.todos ?? []),
      fetch: globalThis.fetch,
      toolOutputDir: join(config.basePath, "tool-output"),
      permissions,
      sandbox,
      // A focused, read-only nested agent; its spans nest under the calling execute_tool span. It has
      // no persist (its turns are not the user's conversation) and what it spent is the session's.
      subagent: async (question, signal) => {
        const result = await runAgent(
          {
            conversationId,
            client,
            registry: registry.readOnly(),
            tools: {
              ...toolsWithoutSubagent(tools),
              files: new InMemoryFileReadTracker(),
              todos: new InMemoryTodoStore(),
            },
            model,
            system,
            maxTokens: config.llm.maxTokens,
            temperature: config.llm.temperature,
            thinkingBudgetTokens: config.llm.thinkingBudgetTokens,
            messages: [],
            events: {},
            agentName: "kodelet-subagent",
            maxTurns: Math.min(config.llm.maxTurns, 20),
          },
          question,
          signal,
        );
        spending.add(result.usage, result.costUsd);
        return result.text;
      },
    };
    return {
      conversationId,
      client,
      registry,
      tools,
      model,
      system,
      maxTokens: config.llm.maxTokens,
      temperature: config.llm.temperature,
      thinkingBudgetTokens: config.llm.thinkingBudgetTokens,
      maxTurns: config.llm.maxTurns,
      messages: from?.messages ?? [],
      ...(options.save && store ? { persist: save } : {}),
      events,
      keepInterrupted: options.keepInterrupted === true,
      context: new ContextWindow({
        window: contextWindowOf(model, config.context.window),
        compactRatio: config.context.compactRatio,
        compactModel: config.context.compactModel,
        resumed: from?.compactions.at(-1),
        ...(options.save && store
          ? { persist: (result: CompactionResult) => store.saveCompaction(conversationId, result) }
          : {}),
      }),
    };
  };
  let thread = buildThread(previous);

  return {
    get conversationId() {
      return thread.conversationId;
    },
    get model() {
      return model;
    },
    set model(name: string) {
      model = name;
      thread.model = name;
      if (thread.context) thread.context.window = contextWindowOf(name, config.context.window);
    },
    saving: options.save && store !== undefined,
    async ask(text: string, signal: AbortSignal): Promise<AgentResult> {
      const mark = spending.mark();
      turnStart = mark;
      await startMcp();
      signals.userPrompt(text);
      await systemReady;
      const result = await runAgent(thread, text, signal);
      // What the user pays for includes the subagents' requests: the run's share of the one record.
      return { ...result, ...spending.since(mark) };
    },
    spent: () => spending.since(0),
    newConversation() {
      thread = buildThread(undefined);
    },
    messages: () => thread.messages,
    compact: async (instructions, signal) => {
      await systemReady;
      return await compactThread(thread, "manual", signal, instructions);
    },
    contextUsage: () => {
      const window = thread.context;
      return window?.used === undefined ? undefined : { used: window.used, window: window.window };
    },
    async close() {
      store?.close();
      await mcp?.close();
    },
  };
}
