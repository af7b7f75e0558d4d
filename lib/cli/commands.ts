/**
 * The command table: every command kodelet has, in the order help lists them. Each command lives in
 * its own file and imports its heavy dependencies (LLM SDKs, SQLite) only when it runs, so that
 * `kodelet --version` and `--help` stay fast.
 */
import type { Command } from "./command.ts";
import { versionCommand } from "./version.ts";

/** All commands. */
export const COMMANDS: readonly Command[] = [
  versionCommand,
];
