/**
 * `kodelet chat`: a line-based REPL that works in any terminal and under a pipe. Ctrl-C cancels the
 * turn in progress; Ctrl-C at the prompt, Ctrl-D or /exit ends the session.
 */
import type { Command, CommandContext } from "./command.ts";
import { LineReader } from "./line_reader.ts";
import { SESSION_FLAGS, sessionOptions } from "./session_flags.ts";

const HELP =
  "commands: /exit, /clear (new conversation), /model [name], /cost; Ctrl-C cancels a turn, Ctrl-D exits";

async function chat(context: CommandContext): Promise<number> {
  const { createAgentSession } = await import("./agent_session.ts");
  const { addUsage, zeroUsage } = await import("../llm/mod.ts");
  const flags = context.args.flags;
  const options = { ...sessionOptions(flags), output: "text" as const };
  let session = createAgentSession(context, options);
  const reader = new LineReader(context.io.stdin);
  let turn: AbortController | undefined;
  let totals = zeroUsage();
  let cost: number | undefined;
  let quit: () => void = () => {};
  const quitting = new Promise<"quit">((resolve) => (quit = () => resolve("quit")));
  const onInterrupt = () => {
    if (turn && !turn.signal.aborted) turn.abort();
    else if (turn) quit(); // a second Ctrl-C while the cancelled turn is still winding down
    else void reader.cancel();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  context.io.stderr(`kodelet chat (${session.thread.model}); ${HELP}\n`);
  try {
    while (true) {
      context.io.stderr("> ");
      const line = await reader.next();
      if (line === null) break;
      const text = line.trim();
      if (text === "") continue;
      if (text === "/exit" || text === "/quit") break;
      if (text === "/clear") {
        session.close();
        session = createAgentSession(context, { ...options, resumeId: undefined, follow: false });
        context.io.stderr("new conversation\n");
        continue;
      }
      if (text.startsWith("/model")) {
        const name = text.slice("/model".length).trim();
        if (name !== "") session.thread.model = name;
        context.io.stderr(`model: ${session.thread.model}\n`);
        continue;
      }
      if (text === "/cost") {
        const shown = cost === undefined ? "cost unknown" : `$${cost.toFixed(4)}`;
        context.io.stderr(
          `this session: tokens in ${totals.input} out ${totals.output} cached ${totals.cacheRead} · ${shown}\n`,
        );
        continue;
      }
      if (text.startsWith("/")) {
        context.io.stderr(`unknown command ${text}; ${HELP}\n`);
        continue;
      }
      turn = new AbortController();
      const events = session.thread.events;
      const onTurnEnd = events.onTurnEnd;
      events.onTurnEnd = (end) => {
        totals = addUsage(totals, end.usage);
        if (end.costUsd !== undefined) cost = (cost ?? 0) + end.costUsd;
        onTurnEnd?.(end);
      };
      try {
        if (await Promise.race([session.ask(text, turn.signal), quitting]) === "quit") return 130;
      } catch (error) {
        // A failed turn (bad key, provider down) is reported, and the session goes on.
        context.io.stderr(
          `kodelet: ${context.redact(error instanceof Error ? error.message : String(error))}\n`,
        );
      } finally {
        if (onTurnEnd) events.onTurnEnd = onTurnEnd;
        else delete events.onTurnEnd;
        turn = undefined;
      }
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    session.close();
  }
  return 0;
}

/** The command. */
export const chatCommand: Command = {
  path: ["chat"],
  summary: "interactive session (line-based; works in any terminal and under a pipe)",
  usage: "",
  flags: [
    { name: "plain", type: "boolean", description: "line-based REPL (the only mode for now)" },
    ...SESSION_FLAGS,
  ],
  args: { min: 0, max: 0 },
  handlesInterrupt: true,
  run: chat,
};
