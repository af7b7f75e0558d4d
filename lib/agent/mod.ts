/**
 * The agent: the loop that lets the model work through the tools (Thread, runAgent), and the session
 * that `run` and `chat` build from the configuration, drive, and render the events of.
 */
export { type AgentSession, openAgentSession, type SessionOptions, type SessionSetup } from "./session.ts";
export { Spending, type Spent } from "./spending.ts";
export { type AgentEvents, type AgentResult, compactThread, runAgent, type Thread } from "./thread.ts";
export {
  type CompactionResult,
  type CompactionState,
  type CompactReason,
  ContextWindow,
  isPromptTooLong,
} from "./compaction.ts";
