/** `kodelet run`: one task (from the arguments and/or stdin), streamed to stdout, saved as a conversation. */
import { UsageError } from "../errors.ts";
import type { Command, CommandContext } from "./command.ts";
import { readPromptInput } from "./prompt_input.ts";
import { SESSION_FLAGS, sessionOptions } from "./session_flags.ts";

/** A markdown renderer for this terminal's width and colour setting (loaded only when needed). */
async function terminalMarkdown(context: CommandContext): Promise<(text: string) => string> {
  const [{ renderMarkdown, loadHighlighter }, { createStyle }] = await Promise.all([
    import("./tui/markdown.ts"),
    import("./format.ts"),
  ]);
  const style = createStyle(context.io.color);
  if (style.color) await loadHighlighter();
  return (text) => renderMarkdown(text, { width: context.io.columns, style });
}

/** The command. */
export const runCommand: Command = {
  path: ["run"],
  summary: "run the agent on one task; the answer streams to stdout, tool activity to stderr",
  usage: "<query...> | -",
  flags: [
    ...SESSION_FLAGS,
    { name: "output", type: "string", description: "text (default) | json: one JSON event per line" },
  ],
  // No arguments: the task comes on stdin (checked by readPromptInput, which says what is missing).
  args: { min: 0, max: Infinity },
  async run(context) {
    const flags = context.args.flags;
    const output = flags.output ?? "text";
    if (output !== "text" && output !== "json") {
      throw new UsageError(
        `Invalid --output "${String(output)}" (from the command line): must be text or json`,
      );
    }
    const prompt = await readPromptInput(context.args.positionals, context.io);
    // On a terminal the answer is shown rendered; under a pipe it stays the raw text scripts expect.
    const renderMarkdown = output === "text" && context.io.stdoutIsTerminal
      ? await terminalMarkdown(context)
      : undefined;
    const [{ askAndShow, openShownSession }, { terminalQuestions }, { readEnvironment }] = await Promise.all([
      import("./agent_output.ts"),
      import("./approval_prompt.ts"),
      import("../config/mod.ts"),
    ]);
    // Questions need someone at a terminal; JSON output is for machines, which cannot answer.
    const { approver, io } = output === "text"
      ? terminalQuestions(context.io, readEnvironment())
      : { approver: undefined, io: context.io };
    const { session, renderer } = openShownSession(
      { ...context, io },
      output,
      { ...sessionOptions(flags), approver },
      renderMarkdown,
    );
    try {
      return await askAndShow(
        session,
        renderer,
        io,
        prompt,
        context.signal,
      );
    } finally {
      await session.close();
    }
  },
};
