/**
 * `kodelet chat`: the terminal UI on a terminal (lib/cli/tui, loaded only then); otherwise, with
 * --plain, or when TERM=dumb, a line-based REPL that works under a pipe. In the line mode Ctrl-C
 * cancels the turn in progress; Ctrl-C at the prompt, Ctrl-D or /exit ends the session.
 */
import { escapeControl } from "../safe_text.ts";
import type { Command, CommandContext } from "./command.ts";
import { LineReader } from "./line_reader.ts";
import { contextPart } from "./progress.ts";
import { SESSION_FLAGS, sessionOptions } from "./session_flags.ts";
import { findSlashCommand, type SlashContext } from "./slash_commands.ts";

const LINE_KEYS = "keys: Ctrl-C cancels a turn, Ctrl-D exits";

async function chat(context: CommandContext): Promise<number> {
  if (context.args.flags.plain !== true && context.io.interactive === true) {
    const { runChatTui } = await import("./tui/mod.ts");
    return await runChatTui(context, sessionOptions(context.args.flags));
  }
  return await lineChat(context);
}

async function lineChat(context: CommandContext): Promise<number> {
  const { askAndShow, openShownSession } = await import("./agent_output.ts");
  const { session, renderer } = openShownSession(context, "text", sessionOptions(context.args.flags));
  const reader = new LineReader(context.io.stdin);
  let turn: AbortController | undefined;
  let quit: () => void = () => {};
  const quitting = new Promise<"quit">((resolve) => (quit = () => resolve("quit")));
  const onInterrupt = () => {
    if (turn && !turn.signal.aborted) turn.abort();
    else if (turn) quit(); // a second Ctrl-C while the cancelled turn is still winding down
    else void reader.cancel();
  };
  let exit: number | undefined;
  const slash: SlashContext = {
    say: (text) => context.io.stderr(text + "\n"),
    model: () => session.model,
    setModel: (name) => (session.model = name),
    newConversation: () => session.newConversation(),
    spent: () => session.spent(),
    contextText: () => {
      const now = session.contextUsage();
      return now ? contextPart(now) : undefined;
    },
    compact: async (instructions) => {
      turn = new AbortController();
      try {
        const done = await Promise.race([session.compact(instructions, turn.signal), quitting]);
        if (done === "quit") exit = 130;
        // The renderer's onCompact already said what was compacted.
        else if (done === undefined) context.io.stderr("nothing to compact yet\n");
      } catch (error) {
        context.io.stderr(
          `kodelet: compaction failed: ${
            context.redact(error instanceof Error ? error.message : String(error))
          }\n`,
        );
      } finally {
        turn = undefined;
      }
    },
    traceId: () => undefined,
    exit: () => (exit = 0),
    keys: LINE_KEYS,
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  // SIGTERM/SIGHUP abort the command's signal: the turn stops and the session ends.
  const onTerminate = () => {
    turn?.abort();
    quit();
    void reader.cancel();
  };
  context.signal.addEventListener("abort", onTerminate, { once: true });
  context.io.stderr(`kodelet chat (${session.model}); /help lists the commands; ${LINE_KEYS}\n`);
  try {
    while (exit === undefined) {
      context.io.stderr("> ");
      const line = await reader.next();
      if (line === null) break;
      const text = line.trim();
      if (text === "") continue;
      const command = findSlashCommand(text);
      if (command) {
        await command.command.run(slash, command.args);
        continue;
      }
      if (text.startsWith("/")) {
        context.io.stderr(`unknown command ${text}; /help lists them\n`);
        continue;
      }
      turn = new AbortController();
      try {
        const asked = askAndShow(session, renderer, context.io, text, turn.signal);
        if (await Promise.race([asked, quitting]) === "quit") return 130;
      } catch (error) {
        // A failed turn (bad key, provider down) is reported, and the session goes on.
        context.io.stderr(
          `kodelet: ${
            escapeControl(context.redact(error instanceof Error ? error.message : String(error)))
          }\n`,
        );
      } finally {
        turn = undefined;
      }
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    context.signal.removeEventListener("abort", onTerminate);
    await session.close();
  }
  return exit ?? 0;
}

/** The command. */
export const chatCommand: Command = {
  path: ["chat"],
  summary: "interactive session: a terminal UI on a terminal, a line-based REPL otherwise",
  usage: "",
  flags: [
    {
      name: "plain",
      type: "boolean",
      description:
        "line-based REPL (chosen automatically when stdin or stdout is not a terminal, or TERM=dumb)",
    },
    ...SESSION_FLAGS,
  ],
  args: { min: 0, max: 0 },
  handlesInterrupt: true,
  run: chat,
};
