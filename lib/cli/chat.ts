/**
 * `kodelet chat`: the terminal UI on a terminal (lib/cli/tui, loaded only then); otherwise, with
 * --plain, or when TERM=dumb, a line-based REPL that works under a pipe. In the line mode Ctrl-C
 * cancels the turn in progress; Ctrl-C at the prompt, Ctrl-D or /exit ends the session. On a
 * terminal the line mode asks before a tool call the mode and rules leave open, as run does.
 */
import { escapeControl } from "../safe_text.ts";
import { activeTraceId } from "../telemetry/mod.ts";
import type { Command, CommandContext } from "./command.ts";
import { LineReader } from "./line_reader.ts";
import { contextPart, continueHint } from "./progress.ts";
import { SESSION_FLAGS, sessionOptions } from "./session_flags.ts";
import { findSlashCommand, helpLine, type SlashContext } from "./slash_commands.ts";

/** The line mode's keys, for /help. */
const LINE_KEYS = "Ctrl-C cancels a turn, Ctrl-D exits";
const HELP = helpLine(LINE_KEYS);

async function chat(context: CommandContext): Promise<number> {
  if (context.args.flags.plain !== true && context.io.interactive === true) {
    const { runChatTui } = await import("./tui/mod.ts");
    return await runChatTui(context, sessionOptions(context.args.flags));
  }
  return await lineChat(context);
}

async function lineChat(context: CommandContext): Promise<number> {
  const [{ askAndShow, openShownSession }, { lineReaderKey, terminalQuestions }, { readEnvironment }] =
    await Promise.all([
      import("./agent_output.ts"),
      import("./approval_prompt.ts"),
      import("../config/mod.ts"),
    ]);
  const reader = new LineReader(context.io.stdin);
  // On a terminal the user is asked, as in run; the key is read through the chat's own line reader.
  const { approver, io } = terminalQuestions(context.io, readEnvironment(), lineReaderKey(reader));
  const { session, renderer } = openShownSession({ ...context, io }, "text", {
    ...sessionOptions(context.args.flags),
    keepInterrupted: true,
    approver,
  });
  // Whether this chat saved something in the conversation in progress (worth a hint to come back).
  let saved = false;
  let turn: AbortController | undefined;
  let quit: () => void = () => {};
  const quitting = new Promise<"quit">((resolve) => (quit = () => resolve("quit")));
  const onInterrupt = () => {
    if (turn && !turn.signal.aborted) turn.abort();
    else if (turn) quit(); // a second Ctrl-C while the cancelled turn is still winding down
    else void reader.cancel();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  // SIGTERM/SIGHUP abort the command's signal: the turn stops and the session ends.
  const onTerminate = () => {
    turn?.abort();
    quit();
    void reader.cancel();
  };
  context.signal.addEventListener("abort", onTerminate, { once: true });
  // The slash commands are the terminal UI's table; these are the line mode's ways of doing them.
  let exiting = false;
  let quitDuringCommand = false;
  const say = (text: string) => context.io.stderr(`${text}\n`);
  const slash: SlashContext = {
    say,
    model: () => session.model,
    setModel: (name) => {
      session.model = name;
    },
    newConversation: () => {
      session.newConversation();
      saved = false;
    },
    spent: () => session.spent(),
    contextText: () => {
      const now = session.contextUsage();
      return now ? contextPart(now) : undefined;
    },
    compact: async (instructions) => {
      turn = new AbortController();
      try {
        const done = await Promise.race([session.compact(instructions, turn.signal), quitting]);
        if (done === "quit") quitDuringCommand = true;
        // The renderer's onCompact already said what was compacted.
        else if (done === undefined) say("nothing to compact yet");
      } catch (error) {
        say(
          `kodelet: compaction failed: ${
            context.redact(error instanceof Error ? error.message : String(error))
          }`,
        );
      } finally {
        turn = undefined;
      }
    },
    traceId: () => activeTraceId(),
    exit: () => {
      exiting = true;
    },
    keys: LINE_KEYS,
    terse: true,
  };
  context.io.stderr(`kodelet chat (${session.model}); ${HELP}\n`);
  try {
    while (true) {
      context.io.stderr("> ");
      const line = await reader.next();
      if (line === null) {
        // Ctrl-D leaves the cursor after the prompt: end that line before saying goodbye.
        context.io.stderr("\n");
        break;
      }
      const text = line.trim();
      if (text === "") continue;
      const command = findSlashCommand(text);
      if (command) {
        await command.command.run(slash, command.args);
        if (quitDuringCommand) return 130;
        if (exiting) break;
        continue;
      }
      if (text.startsWith("/")) {
        context.io.stderr(`unknown command ${text}; ${HELP}\n`);
        continue;
      }
      turn = new AbortController();
      try {
        const answer = askAndShow(session, renderer, context.io, text, turn.signal);
        if (await Promise.race([answer, quitting]) === "quit") return 130;
        // Answered, or interrupted and kept (a failed turn is not saved and throws instead).
        saved = true;
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
  if (saved && session.saving) context.io.stderr(continueHint(session.conversationId) + "\n");
  return 0;
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
