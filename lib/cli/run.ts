/** `kodelet run`: one task, streamed to stdout, saved as a conversation. */
import { UsageError } from "../errors.ts";
import type { Command } from "./command.ts";
import { SESSION_FLAGS, sessionOptions } from "./session_flags.ts";

/** The command. */
export const runCommand: Command = {
  path: ["run"],
  summary: "run the agent on one task; the answer streams to stdout, tool activity to stderr",
  usage: "<query...>",
  flags: [
    ...SESSION_FLAGS,
    { name: "output", type: "string", description: "text (default) | json: one JSON event per line" },
  ],
  args: { min: 1, max: Infinity },
  async run(context) {
    const flags = context.args.flags;
    const output = flags.output ?? "text";
    if (output !== "text" && output !== "json") {
      throw new UsageError(
        `Invalid --output "${String(output)}" (from the command line): must be text or json`,
      );
    }
    const { createAgentSession } = await import("./agent_session.ts");
    const session = createAgentSession(context, { ...sessionOptions(flags), output });
    try {
      return await session.ask(context.args.positionals.join(" "), context.signal);
    } finally {
      await session.close();
    }
  },
};
