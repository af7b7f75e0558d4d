/**
 * `kodelet trust [dir]`, `--list`, `--revoke`: which project directories may have their
 * ./kodelet-config.yaml set endpoints, base URLs, headers and file paths (see lib/config/trust.ts).
 */
import { resolve } from "node:path";
import { readTrustedDirectories, revokeDirectory, trustDirectory } from "../config/mod.ts";
import { UsageError } from "../errors.ts";
import { escapeControl } from "../safe_text.ts";
import type { Command } from "./command.ts";

/** The command. */
export const trustCommand: Command = {
  path: ["trust"],
  summary: "trust a project directory's kodelet-config.yaml (default: the current directory)",
  usage: "[dir]",
  flags: [
    { name: "list", type: "boolean", description: "list the trusted directories" },
    { name: "revoke", type: "boolean", description: "stop trusting the directory" },
  ],
  args: { min: 0, max: 1 },
  async run(context) {
    const { flags, positionals } = context.args;
    const file = context.config.trustFile;
    if (flags.list === true) {
      if (flags.revoke === true || positionals.length > 0) {
        throw new UsageError("trust --list takes no directory and no --revoke");
      }
      const directories = await readTrustedDirectories(file);
      if (directories.length === 0) context.io.stderr("no trusted directories\n");
      for (const dir of directories) context.io.stdout(escapeControl(dir) + "\n");
      return 0;
    }
    const target = resolve(context.config.cwd, positionals[0] ?? ".");
    if (flags.revoke === true) {
      const result = await revokeDirectory(file, target);
      context.io.stderr(
        result.was
          ? `no longer trusted: ${escapeControl(result.dir)}\n`
          : `was not trusted: ${escapeControl(result.dir)}\n`,
      );
      return 0;
    }
    try {
      if (!(await Deno.stat(target)).isDirectory) throw new Error("not a directory");
    } catch {
      throw new UsageError(`Cannot trust "${escapeControl(target)}": not a directory`);
    }
    const dir = await trustDirectory(file, target);
    context.io.stderr(
      `trusted: ${escapeControl(dir)} (its kodelet-config.yaml may now set endpoints, headers and paths)\n`,
    );
    return 0;
  },
};
