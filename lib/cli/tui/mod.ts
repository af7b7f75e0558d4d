/**
 * The terminal UI of `kodelet chat` (Ink + React). Loaded with a dynamic import only when chat
 * starts on a terminal, so other commands never pay for React, Ink or the markdown renderer.
 * The prompt is drawn first; the agent session (tools, store, the provider's SDK) loads behind it,
 * and a prompt sent before it is ready waits for it.
 */
import process from "node:process";
import { render } from "ink";
import { createElement } from "react";
import { activeTraceId } from "../../telemetry/mod.ts";
import type { SessionOptions } from "../../agent/mod.ts";
import { checkCredentials, modelFor } from "../../llm/mod.ts";
import type { CommandContext } from "../command.ts";
import { costText } from "../slash_commands.ts";
import { App } from "./app.tsx";
import { directoryLister } from "./completion.ts";
import { ChatController } from "./controller.ts";
import { loadHighlighter } from "./highlight.ts";
import { PromptHistory } from "./history.ts";
import { createStyle } from "../format.ts";

export type { ApprovalAnswer, ApprovalRequest, Approver } from "./approval.ts";

/**
 * The keys of the terminal UI, for /help: one key a line, short enough for an 80-column terminal (as
 * three long lines they wrapped mid-phrase there, back to the first column).
 */
const KEYS: [string, string][] = [
  ["Enter", "send"],
  ["Alt+Enter or Ctrl-J", "new line (so does a trailing \\)"],
  ["↑/↓", "earlier prompts (history)"],
  ["Tab", "complete /commands and @paths"],
  ["Ctrl-C", "clear the prompt (on an empty one: exit)"],
  ["Ctrl-D", "exit"],
  ["Esc", "cancel the answer in progress"],
  ["Ctrl-O", "show or fold the last thinking"],
];
export const TUI_KEYS = ["keys:", ...KEYS.map(([key, does]) => `  ${key.padEnd(24)} ${does}`)].join("\n");

/** Runs the chat in the terminal UI until the user leaves; returns the exit code. */
export async function runChatTui(context: CommandContext, options: SessionOptions): Promise<number> {
  const { config } = context;
  // A chat that cannot ask anything stops before it draws (the rest of opening the session is checked
  // after the first frame).
  checkCredentials(config.llm);
  const style = createStyle(context.io.color);
  const history = await PromptHistory.load(config.basePath, config.cwd);
  const { promise: exited, resolve: onExit } = Promise.withResolvers<void>();
  // Resolved once the first frame is on the screen: only then does the session start loading.
  const { promise: drawn, resolve: onDrawn } = Promise.withResolvers<void>();
  // MCP servers that fail before the transcript exists are shown once it does.
  const mcpFailures: string[] = [];
  let reportFailure: (text: string) => void = (text) => void mcpFailures.push(text);
  const model = modelFor(config.llm);
  const controller = new ChatController({
    openSession: async (events, approver) => {
      await drawn;
      const { openAgentSession } = await import("../../agent/mod.ts");
      return openAgentSession({
        config,
        log: context.log,
        redact: context.redact,
        events,
        onMcpServerFailed: (server, reason) =>
          reportFailure(`MCP server "${server}" failed to start: ${reason}`),
        // The first bash call is long after the transcript exists: shown there, not on stderr.
        onWarning: (text) => reportFailure(text),
      }, { ...options, approver });
    },
    model,
    style,
    redact: context.redact,
    cwd: config.cwd,
    traceId: activeTraceId(),
    keys: TUI_KEYS,
    onExit: () => onExit(),
  });
  const resumed = options.resumeId !== undefined || options.follow === true;
  if (resumed) void controller.ready.then((session) => controller.showEarlier(session.messages()), () => {});
  controller.notice(
    `kodelet chat · ${model} · ${config.cwd}${resumed ? " · resumed conversation" : ""}` +
      "\n/help for commands and keys · Ctrl-D to exit",
  );
  reportFailure = (text) => controller.notice(context.redact(text), "error");
  mcpFailures.forEach(reportFailure);
  // A session that cannot open (a bad rule, a missing key, a conversation that is not there) ends
  // the chat; the error is main's to show, after the screen is given back.
  let failure: { error: unknown } | undefined;
  controller.ready.catch((error) => {
    failure = { error };
    onExit();
  });
  const instance = render(
    createElement(App, { controller, history, style, listDirectory: directoryLister(config.cwd) }),
    {
      exitOnCtrlC: false,
      // Chosen only for a terminal, so always interactive, even when CI is set in the environment.
      interactive: true,
      patchConsole: true,
    },
  );
  // Ink drew the first frame synchronously; the next task starts loading the session, and then the
  // code highlighter (an answer is seconds away).
  setTimeout(onDrawn, 0);
  if (style.color) void controller.ready.then(loadHighlighter, () => {});
  // The terminal went away (hang-up, closed stdin): nobody can answer, so the chat ends.
  const onInputEnd = () => controller.exit();
  process.stdin.once("end", onInputEnd);
  try {
    await exited;
  } finally {
    process.stdin.off("end", onInputEnd);
    instance.unmount();
    await instance.waitUntilExit().catch(() => {});
    await controller.close();
  }
  if (failure) throw failure.error;
  const { usage, costUsd } = controller.spent();
  const { session } = controller;
  const saved = session?.saving ? ` · continue with: kodelet chat --resume ${session.conversationId}` : "";
  context.io.stderr(`kodelet: tokens in ${usage.input} out ${usage.output} · ${costText(costUsd)}${saved}\n`);
  return 0;
}
