/**
 * The system prompt, kept in code (not a file read at run time) so that the compiled binary carries
 * it. The working directory, the date, the workspace facts and the project rules vary; all of them
 * are fixed for a session, so every request of it starts with the same prefix (which caching needs).
 */
import type { Config } from "../config/mod.ts";
import { loadProjectRules, type RulesFile, rulesSection } from "./project_rules.ts";
import { factsSection, type WorkspaceFacts, workspaceFacts } from "./workspace_facts.ts";

/** What varies besides the working directory and the date. */
export interface PromptContext {
  facts?: WorkspaceFacts;
  rules?: readonly RulesFile[];
  /** bash runs in the bubblewrap sandbox: the model is told, so a "Read-only file system" is no surprise. */
  sandbox?: { network: boolean };
}

function sandboxSection(sandbox: { network: boolean }): string {
  return "Sandbox: bash commands run in a sandbox where only the working directory and the system temp " +
    "directory are writable" + (sandbox.network ? "." : " and there is no network.") +
    " Write caches and temporary files there; do not try to get around the sandbox.";
}

/** The system prompt for a run in `cwd`. */
export function systemPrompt(cwd: string, now: Date = new Date(), context: PromptContext = {}): string {
  const lines = [
    "You are kodelet, a coding agent working in the user's repository from their terminal.",
    "Work on the task until it is done: read before you change, make the smallest change that solves it,",
    "and check your work (run the tests or the command that shows it works) when you can.",
    "Use the tools: bash for commands, file_read before file_edit, grep_tool and glob_tool to find code,",
    "todo_write to plan multi-step work, subagent for focused read-only questions.",
    "Several independent tool calls may be made in one message; they run concurrently.",
    "Be concise in what you write to the user; show code only when it helps.",
    "Never print secrets (API keys, tokens, passwords) you come across.",
    "",
    `Working directory: ${cwd}`,
    `Date: ${now.toISOString().slice(0, 10)}`,
  ];
  if (context.facts) lines.push(factsSection(context.facts));
  if (context.sandbox) lines.push(sandboxSection(context.sandbox));
  const rules = rulesSection(context.rules ?? []);
  if (rules !== "") lines.push("", rules);
  return lines.join("\n");
}

/** The system prompt of a session: the workspace facts, and the project rules unless switched off. */
export async function sessionSystemPrompt(
  config: Pick<Config, "cwd" | "basePath" | "context" | "permissions">,
  env: Record<string, string>,
): Promise<string> {
  return systemPrompt(config.cwd, new Date(), {
    facts: await workspaceFacts(config.cwd, env),
    ...(config.permissions.sandbox ? { sandbox: { network: config.permissions.sandboxNetwork } } : {}),
    ...(config.context.rules ? { rules: loadProjectRules(config.cwd, config.basePath) } : {}),
  });
}
