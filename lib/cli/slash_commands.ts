/**
 * The chat's slash commands, one table for the line mode and the terminal UI: each entry is a name,
 * a one-line summary for /help and completion, and a handler over a small context the mode provides.
 * Adding a command is adding an entry.
 */
import type { Usage } from "../llm/mod.ts";
import { formatCost, formatCount } from "./format.ts";

/** What a slash command can do to the chat it runs in. */
export interface SlashContext {
  /** Shows a line of text to the user. */
  say(text: string): void;
  /** The model of the conversation. */
  model(): string;
  setModel(name: string): void;
  /** Closes the conversation and starts a new one. */
  newConversation(): void;
  /** What the whole chat spent so far (conversations closed by /clear included). */
  spent(): { usage: Usage; costUsd: number | undefined };
  /** How full the context window is ("context 12% of 200k"), once a response has said. */
  contextText(): string | undefined;
  /** Compacts the conversation now, with optional instructions for the summary. */
  compact(instructions: string | undefined): Promise<void>;
  /** The trace id of the last turn, when tracing is on. */
  traceId(): string | undefined;
  /** Ends the chat. */
  exit(): void;
  /** The keys of the mode the chat runs in, for /help. */
  readonly keys: string;
  /** /help in one line (the line mode) instead of a list (the terminal UI). */
  readonly terse?: boolean;
}

/** One slash command. */
export interface SlashCommand {
  name: string;
  /** Shown after the name in /help, e.g. "[name]". */
  args?: string;
  summary: string;
  run(context: SlashContext, args: string): void | Promise<void>;
}

/** "$0.0123", or "cost unknown" for a model without a price. */
export function costText(costUsd: number | undefined): string {
  return formatCost(costUsd, "cost unknown");
}

/** Every slash command, in the order /help lists them. */
export const SLASH_COMMANDS: readonly SlashCommand[] = [
  {
    name: "help",
    summary: "list the commands and keys",
    run: (context) => context.say(context.terse ? helpLine(context.keys) : helpText(context.keys)),
  },
  {
    name: "exit",
    summary: "end the session",
    run: (context) => context.exit(),
  },
  {
    name: "clear",
    summary: "start a new conversation",
    run: (context) => {
      context.newConversation();
      context.say("new conversation");
    },
  },
  {
    name: "model",
    args: "[name]",
    summary: "show or switch the model",
    run: (context, args) => {
      if (args !== "") context.setModel(args);
      context.say(`model: ${context.model()}`);
    },
  },
  {
    name: "cost",
    summary: "tokens and cost of this session",
    run: (context) => {
      const { usage, costUsd } = context.spent();
      const window = context.contextText();
      context.say(
        `this session: tokens in ${formatCount(usage.input)} out ${formatCount(usage.output)} cached ${
          formatCount(usage.cacheRead)
        } · ${costText(costUsd)}${window ? ` · ${window}` : ""}`,
      );
    },
  },
  {
    name: "compact",
    args: "[instructions]",
    summary: "summarise the conversation to free context",
    run: (context, args) => context.compact(args === "" ? undefined : args),
  },
  {
    name: "trace",
    summary: "the trace id, for kodelet trace show",
    run: (context) => {
      const id = context.traceId();
      context.say(
        id === undefined
          ? "tracing is off (turn it on with --tracing-enabled or KODELET_TRACING_ENABLED=true)"
          : `trace ${id}: kodelet trace show ${id}`,
      );
    },
  },
];

/** Other names users type for a command. */
const ALIASES: Record<string, string> = { quit: "exit", "?": "help" };

/** The command a line names ("/model opus" → model, "opus"), or undefined when it names none. */
export function findSlashCommand(line: string): { command: SlashCommand; args: string } | undefined {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  if (!match) return undefined;
  const name = ALIASES[match[1] ?? ""] ?? match[1];
  const command = SLASH_COMMANDS.find((entry) => entry.name === name);
  return command ? { command, args: (match[2] ?? "").trim() } : undefined;
}

function usageOf(command: SlashCommand): string {
  return command.name + (command.args ? " " + command.args : "");
}

/** The /help text: commands, then the mode's keys. */
export function helpText(keys: string): string {
  const width = Math.max(...SLASH_COMMANDS.map((c) => usageOf(c).length));
  const lines = SLASH_COMMANDS.map((c) => `  /${usageOf(c).padEnd(width)}  ${c.summary}`);
  return [
    "commands:",
    ...lines,
    keys,
  ].join("\n");
}

/** /help in one line, for the line mode: "commands: /help, /exit, ...; <keys>". */
export function helpLine(keys: string): string {
  return `commands: ${SLASH_COMMANDS.map((c) => `/${usageOf(c)}`).join(", ")}; ${keys}`;
}
