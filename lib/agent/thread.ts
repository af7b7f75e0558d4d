/**
 * The agent loop: the model answers, the tools it asked for run (concurrently, each in its own
 * span), their results go back, until the model stops asking or the turn limit is reached. The
 * whole loop is one `invoke_agent kodelet` span; each turn is handed to `persist` whole.
 */
import type { TurnRecord } from "../conversations/mod.ts";
import { mapConcurrent, MAX_PARALLEL_TOOL_CALLS } from "./concurrency.ts";
import {
  addCost,
  addUsage,
  type LlmClient,
  LlmError,
  type LlmResponse,
  type Message,
  type RetryNotice,
  textOf,
  type Usage,
  zeroUsage,
} from "../llm/mod.ts";
import { GEN_AI, KODELET, withSpan } from "../telemetry/mod.ts";
import {
  type CompactionResult,
  type CompactReason,
  type ContextWindow,
  isPromptTooLong,
} from "./compaction.ts";
import type { ToolEnvironment, ToolRegistry, ToolResult } from "../tools/mod.ts";

/** What the terminal (or a JSON stream) hears while the agent works. */
export interface AgentEvents {
  onText?: (text: string) => void;
  /** The model's reasoning as it streams (content: for the user's eyes, never for spans or logs). */
  onThinking?: (text: string) => void;
  onToolStart?: (call: { id: string; name: string; input: Record<string, unknown> }) => void;
  onToolEnd?: (call: { id: string; name: string }, result: ToolResult) => void;
  onTurnEnd?: (turn: { number: number; usage: Usage; costUsd: number | undefined }) => void;
  /** A request failed and is retried after a wait: a status to show until the next event. */
  onRetry?: (retry: RetryNotice) => void;
  /** The conversation was compacted (its summary request's usage and cost are in the result). */
  onCompact?: (result: CompactionResult) => void;
  /** An automatic compaction failed; the run goes on uncompacted. */
  onCompactFailed?: (message: string) => void;
}

/** A conversation in progress. */
export interface Thread {
  conversationId: string;
  client: LlmClient;
  registry: ToolRegistry;
  tools: ToolEnvironment;
  model: string;
  system: string;
  maxTokens: number;
  temperature: number | undefined;
  thinkingBudgetTokens: number;
  maxTurns: number;
  /** Earlier messages (a resumed conversation); the loop appends to it. */
  messages: Message[];
  /** Saves one turn atomically; absent with --no-save and for subagents. */
  persist?: (turn: TurnRecord) => void;
  events: AgentEvents;
  /** The agent name on the span (kodelet, or kodelet-subagent). */
  agentName?: string;
  /** A question interrupted before any answer stays in the conversation (chat); dropped otherwise (run). */
  keepInterrupted?: boolean;
  /** Context-window management (compaction); absent for subagents. */
  context?: ContextWindow;
}

/** How a run ended. */
export interface AgentResult {
  turns: number;
  usage: Usage;
  costUsd: number | undefined;
  stopReason: "done" | "max_turns" | "cancelled";
  /** The last assistant text. */
  text: string;
  durationMs: number;
  /** How full the context window was after the last response. */
  context?: { used: number; window: number };
}

function summarise(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? line.slice(0, 77) + "..." : line;
}

/** The parts of a request that stay the same across the conversation, for a compaction request. */
function frameOf(thread: Thread) {
  return {
    client: thread.client,
    model: thread.model,
    system: thread.system,
    tools: thread.registry.schemas(),
    maxTokens: thread.maxTokens,
    conversationId: thread.conversationId,
  };
}

/**
 * Compacts the thread's conversation; the result goes to onCompact. Throws what the summary request
 * threw (LlmError), undefined when there was nothing to compact.
 */
export async function compactThread(
  thread: Thread,
  reason: CompactReason,
  signal: AbortSignal,
  instructions?: string,
): Promise<CompactionResult | undefined> {
  if (!thread.context) return undefined;
  const result = await thread.context.compact(frameOf(thread), thread.messages, reason, signal, instructions);
  if (result) thread.events.onCompact?.(result);
  return result;
}

/** Runs the agent on one user message. Throws LlmError when the provider fails for good. */
export function runAgent(thread: Thread, userText: string, signal: AbortSignal): Promise<AgentResult> {
  const agentName = thread.agentName ?? "kodelet";
  return withSpan(`invoke_agent ${agentName}`, async (span) => {
    const started = performance.now();
    let totals = zeroUsage();
    let cost: number | undefined;
    let turns = 0;
    let lastText = "";
    let stopReason: AgentResult["stopReason"] = "max_turns";
    // Messages not yet persisted: the user's message is saved together with the first answer, so
    // a run cancelled before any answer leaves the stored conversation as it was.
    let unsaved: Message[] = [{ role: "user", content: [{ type: "text", text: userText }] }];
    thread.messages.push(unsaved[0] as Message);
    const isFirstTurnEver = thread.messages.length === 1;
    // A run that ends without saving its last messages (cancelled, or failed) takes them out of
    // memory too, so that memory stays what the store holds and a chat can go on from there.
    const dropUnsaved = () => {
      if (unsaved.length > 0) thread.messages.splice(thread.messages.length - unsaved.length, unsaved.length);
      unsaved = [];
    };

    try {
      while (turns < thread.maxTurns) {
        if (signal.aborted) {
          stopReason = "cancelled";
          break;
        }
        turns++;
        const compacted = (result: CompactionResult | undefined) => {
          if (!result) return;
          totals = addUsage(totals, result.usage);
          cost = addCost(cost, result.costUsd);
        };
        if (thread.context?.shouldCompact()) {
          try {
            compacted(await compactThread(thread, "threshold", signal));
          } catch (error) {
            if (error instanceof LlmError && error.kind === "cancelled") throw error;
            // The request may still fit; if it does not, the provider's refusal compacts below.
            thread.events.onCompactFailed?.(error instanceof Error ? error.message : String(error));
          }
        }
        const send = () =>
          thread.client.stream(
            {
              model: thread.model,
              system: thread.system,
              messages: thread.context ? thread.context.view(thread.messages) : thread.messages,
              tools: thread.registry.schemas(),
              maxTokens: thread.maxTokens,
              temperature: thread.temperature,
              thinkingBudgetTokens: thread.thinkingBudgetTokens,
              cacheKey: thread.conversationId,
            },
            {
              ...(thread.events.onText ? { onText: thread.events.onText } : {}),
              ...(thread.events.onThinking ? { onThinking: thread.events.onThinking } : {}),
              ...(thread.events.onRetry ? { onRetry: thread.events.onRetry } : {}),
            },
            signal,
          );
        let response: LlmResponse;
        try {
          try {
            response = await send();
          } catch (error) {
            if (!isPromptTooLong(error) || !thread.context) throw error;
            // Refused for its length: compact once and try again; a second refusal is final.
            const result = await compactThread(thread, "prompt_too_long", signal).catch((failure) => {
              if (failure instanceof LlmError && failure.kind === "cancelled") throw failure;
              throw error;
            });
            if (!result) throw error;
            compacted(result);
            response = await send();
          }
        } catch (error) {
          if (error instanceof LlmError && error.kind === "cancelled") {
            turns--;
            stopReason = "cancelled";
            break;
          }
          throw error;
        }
        thread.context?.record(response.usage);
        const assistant: Message = { role: "assistant", content: response.content };
        thread.messages.push(assistant);
        unsaved.push(assistant);
        lastText = textOf(response.content) || lastText;
        const turnCost = response.costUsd;
        totals = addUsage(totals, response.usage);
        cost = addCost(cost, turnCost);

        const calls = response.content.flatMap((block) => (block.type === "tool_use" ? [block] : []));
        if (calls.length > 0) {
          const results = await mapConcurrent(calls, MAX_PARALLEL_TOOL_CALLS, async (call) => {
            thread.events.onToolStart?.(call);
            const result = await thread.registry.execute(call, thread.tools, signal);
            thread.events.onToolEnd?.(call, result);
            return { call, result };
          });
          const toolResults: Message = {
            role: "user",
            content: results.map(({ call, result }) => ({
              type: "tool_result" as const,
              toolUseId: call.id,
              content: result.ok ? result.output : `Error (${result.error.kind}): ${result.error.message}`,
              isError: !result.ok,
            })),
          };
          thread.messages.push(toolResults);
          unsaved.push(toolResults);
        }
        thread.persist?.({
          conversationId: thread.conversationId,
          provider: thread.client.provider,
          model: response.model || thread.model,
          messages: unsaved,
          usage: response.usage,
          costUsd: turnCost,
          todos: thread.tools.todos.read(),
          summary: isFirstTurnEver && turns === 1 ? summarise(userText) : "",
        });
        unsaved = [];
        thread.events.onTurnEnd?.({ number: turns, usage: response.usage, costUsd: turnCost });
        if (calls.length === 0) {
          stopReason = "done";
          break;
        }
        if (signal.aborted) {
          stopReason = "cancelled";
          break;
        }
      }
    } catch (error) {
      dropUnsaved();
      throw error;
    } finally {
      span.setAttributes({
        [KODELET.TURNS]: turns,
        [KODELET.TOTAL_INPUT_TOKENS]: totals.input,
        [KODELET.TOTAL_OUTPUT_TOKENS]: totals.output,
        [KODELET.TOTAL_CACHE_READ_TOKENS]: totals.cacheRead,
        [KODELET.TOTAL_CACHE_CREATION_TOKENS]: totals.cacheWrite,
        ...(cost !== undefined ? { [KODELET.COST_USD]: cost } : {}),
      });
    }
    if (stopReason === "cancelled") {
      if (thread.keepInterrupted && unsaved.length > 0) {
        // The question stays in the conversation, in memory and in the store: the user's next
        // message follows it (sent as one user message) instead of the question vanishing.
        thread.persist?.({
          conversationId: thread.conversationId,
          provider: thread.client.provider,
          model: thread.model,
          messages: unsaved,
          usage: zeroUsage(),
          costUsd: undefined,
          todos: thread.tools.todos.read(),
          summary: isFirstTurnEver ? summarise(userText) : "",
        });
        unsaved = [];
      } else {
        dropUnsaved();
      }
      throw new LlmError("cancelled", "Cancelled");
    }
    return {
      turns,
      usage: totals,
      costUsd: cost,
      stopReason,
      text: lastText,
      durationMs: performance.now() - started,
      ...(thread.context?.used !== undefined
        ? { context: { used: thread.context.used, window: thread.context.window } }
        : {}),
    };
  }, {
    attributes: {
      [GEN_AI.OPERATION_NAME]: "invoke_agent",
      [GEN_AI.AGENT_NAME]: agentName,
      [GEN_AI.CONVERSATION_ID]: thread.conversationId,
      [GEN_AI.PROVIDER_NAME]: thread.client.provider,
      [GEN_AI.REQUEST_MODEL]: thread.model,
    },
  });
}
