/** Fake commands for parser and root span tests, so they do not depend on what the real table holds. */
import type { Command, CommandContext } from "../../lib/cli/command.ts";

/** A command whose handler is given by the test. */
export function fakeCommand(
  path: string[],
  overrides: Partial<Omit<Command, "path">> = {},
  run: (context: CommandContext) => Promise<number> = () => Promise.resolve(0),
): Command {
  return {
    path,
    summary: `the ${path.join(" ")} command`,
    usage: "",
    flags: [],
    args: { min: 0, max: 0 },
    run,
    ...overrides,
  };
}

/** A small table shaped like kodelet's: a command with arguments and flags, and a two-word command. */
export const TABLE: readonly Command[] = [
  fakeCommand(["run"], {
    usage: "<query...>",
    args: { min: 1, max: Infinity },
    flags: [
      { name: "model", type: "string", description: "model" },
      { name: "api-key", type: "string", description: "key" },
      { name: "plain", type: "boolean", description: "plain" },
      { name: "image", short: "i", type: "string", description: "image", multiple: true },
    ],
  }),
  fakeCommand(["conversation", "list"]),
  fakeCommand(["conversation", "show"], { usage: "<id>", args: { min: 1, max: 1 } }),
  fakeCommand(["version"]),
];
