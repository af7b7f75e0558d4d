/**
 * The command table: every command kodelet has, in the order help lists them. Each command lives in
 * its own file and imports its heavy dependencies (LLM SDKs, SQLite) only when it runs, so that
 * `kodelet --version` and `--help` stay fast.
 */
import { chatCommand } from "./chat.ts";
import type { Command } from "./command.ts";
import {
  conversationDeleteCommand,
  conversationListCommand,
  conversationShowCommand,
} from "./conversation.ts";
import { mcpListCommand } from "./mcp.ts";
import { runCommand } from "./run.ts";
import { traceExportCommand, traceListCommand, traceShowCommand } from "./trace.ts";
import { tracingCheckCommand } from "./tracing_check.ts";
import { tracingFlushCommand } from "./tracing_flush.ts";
import { trustCommand } from "./trust.ts";
import { usageCommand } from "./usage.ts";
import { versionCommand } from "./version.ts";

/** All commands. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  chatCommand,
  conversationListCommand,
  conversationShowCommand,
  conversationDeleteCommand,
  traceListCommand,
  traceShowCommand,
  traceExportCommand,
  tracingCheckCommand,
  tracingFlushCommand,
  usageCommand,
  trustCommand,
  mcpListCommand,
  versionCommand,
];
