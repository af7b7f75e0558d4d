/** `kodelet run`: one task (from the arguments and/or stdin), streamed to stdout, saved as a conversation. */
import { UsageError } from "../errors.ts";
import type { Command } from "./command.ts";
import { readPromptInput } from "./prompt_input.ts";
import { SESSION_FLAGS, sessionOptions } from "./session_flags.ts";

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
    const [{ askAndShow, openShownSession }, { terminalApprover }, { readEnvironment }] = await Promise.all([
      import("./agent_output.ts"),
      import("./approval_prompt.ts"),
      import("../config/mod.ts"),
    ]);
    // Questions need someone at a terminal; JSON output is for machines, which cannot answer.
    const approver = output === "text" ? terminalApprover(context.io, readEnvironment()) : undefined;
    const { session, renderer } = openShownSession(context, output, { ...sessionOptions(flags), approver });
    try {
      return await askAndShow(
        session,
        renderer,
        context.io,
        prompt,
        context.signal,
      );
    } finally {
      await session.close();
    }
  },
};
