/** The flags `run` and `chat` share: model choice and which conversation to continue or save. */
import type { CommandFlag, ParsedCommandLine } from "./command.ts";
import { UsageError } from "../errors.ts";
import { configFlag } from "./parse.ts";

/** Flags of every agent session. */
export const SESSION_FLAGS: readonly CommandFlag[] = [
  configFlag("model"),
  configFlag("provider"),
  configFlag("max-turns"),
  configFlag("rules"),
  configFlag("permission-mode"),
  { name: "yolo", type: "boolean", description: "run every tool without asking (hard limits still hold)" },
  configFlag("allow"),
  configFlag("deny"),
  configFlag("sandbox"),
  configFlag("sandbox-network"),
  { name: "save", type: "boolean", description: "save the conversation (default; --no-save to skip)" },
  { name: "resume", type: "string", description: "continue the conversation with this id" },
  { name: "follow", type: "boolean", description: "continue the most recent conversation" },
];

/** What those flags ask of the session. */
export function sessionOptions(flags: ParsedCommandLine["flags"]): {
  save: boolean;
  resumeId: string | undefined;
  follow: boolean;
} {
  // Both name the conversation to continue; quietly preferring one would continue the wrong one.
  if (typeof flags.resume === "string" && flags.follow === true) {
    throw new UsageError(
      `Invalid flags --resume and --follow together (from the command line): give one of them`,
    );
  }
  return {
    save: flags.save !== false,
    resumeId: typeof flags.resume === "string" ? flags.resume : undefined,
    follow: flags.follow === true,
  };
}
