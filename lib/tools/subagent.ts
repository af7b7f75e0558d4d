/**
 * The subagent tool: hands a focused question to a nested agent that has only the read-only tools,
 * and returns its answer. The nested agent's spans nest under this tool's span because ctx.subagent
 * runs inside it.
 */
import * as z from "zod/mini";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** The subagent tool's parameters. */
export const subagentParameters = z.object({
  question: z.string().check(
    z.minLength(1),
    z.describe(
      "A self-contained question or research task for the subagent, with the context it needs (it cannot see this conversation).",
    ),
  ),
});

/** Delegates a question to a read-only nested agent. */
export const subagentTool = defineTool({
  name: "subagent",
  description: [
    "Starts a subagent with read-only tools (file_read, grep_tool, glob_tool, web_fetch, ...) to answer one focused",
    "question, such as finding where something is implemented across many files, and returns its answer. It",
    "cannot change files or run commands, and it does not see this conversation: say everything it needs.",
  ].join(" "),
  parameters: subagentParameters,
  readOnly: true,
  async execute(args, ctx) {
    if (!ctx.subagent) {
      return toolError(
        "unavailable",
        "The subagent tool is not available here (a subagent cannot start another).",
      );
    }
    const answer = await ctx.subagent(args.question, ctx.signal);
    return toolOutput(answer.trim() === "" ? "(the subagent gave no answer)" : answer);
  },
});
