/**
 * The Ink components of `kodelet chat`: the transcript (drawn once per entry), the live answer, the
 * spinner, the approval prompt, the prompt with its completion menu, and the status line. State and
 * behaviour live in ChatController; this file draws its snapshots and turns keys into editor changes.
 */
import { Box, Static, Text, useInput, usePaste, useWindowSize } from "ink";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { escapeControl, stripTerminalControls } from "../../safe_text.ts";
import { SLASH_COMMANDS } from "../slash_commands.ts";
import { approvalKey, fittedDiff } from "./approval.ts";
import { applyCompletion, complete, type ListDirectory } from "./completion.ts";
import {
  BUSY_HINT,
  type ChatController,
  type PendingApproval,
  type RunningTool,
  type TranscriptItem,
} from "./controller.ts";
import * as editor from "./editor.ts";
import type { PromptHistory } from "./history.ts";
import { type KeyAction, keyActions } from "./keys.ts";
import { renderMarkdown } from "./markdown.ts";
import { statusLine } from "./status.ts";
import type { Style } from "../format.ts";
import { thinkingLine, thinkingLines, thinkingPanel } from "./thinking_view.ts";

/** What the app is drawn from. */
export interface AppProps {
  controller: ChatController;
  history: PromptHistory;
  style: Style;
  listDirectory: ListDirectory;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
// The cursor is drawn in reverse video: it is not colour, so it stays under NO_COLOR.
const CURSOR_ON = "\x1b[7m";
const CURSOR_OFF = "\x1b[27m";

function elapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

function Item({ item, width, style }: { item: TranscriptItem; width: number; style: Style }) {
  switch (item.kind) {
    case "user":
      return (
        <Box marginTop={1}>
          <Text>{style(["bold", "cyan"], "› ")}</Text>
          <Text>{style("bold", item.text)}</Text>
        </Box>
      );
    case "answer":
      return (
        <Box marginTop={1}>
          <Text>{renderMarkdown(item.text, { width: width - 1, style })}</Text>
        </Box>
      );
    case "tool": {
      const mark = item.ok ? style("green", "✓") : style("red", "✗");
      const outcome = item.ok ? style("gray", item.outcome) : style("red", item.outcome);
      return (
        <Box flexDirection="column">
          <Text>
            {`${mark} ${style("bold", item.name)} ${item.summary} ${style("gray", "·")} ${outcome}`}
          </Text>
          {item.detail.length > 0 && (
            <Box paddingLeft={2}>
              <Text>{item.detail.join("\n")}</Text>
            </Box>
          )}
        </Box>
      );
    }
    case "thinking":
      return <Text>{thinkingLine(item.lines, false, false, style)}</Text>;
    case "notice":
      return <Text>{item.tone === "error" ? style("red", item.text) : style("gray", item.text)}</Text>;
  }
}

function Spinner({ started, activity, style }: { started: number; activity: string; style: Style }) {
  const [now, setNow] = useState(performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, []);
  const frame = SPINNER[Math.floor(now / 100) % SPINNER.length] ?? "-";
  return (
    <Text>
      {`${style("cyan", frame)} ${activity}… ${style("gray", `${elapsed(now - started)} · esc to cancel`)}`}
    </Text>
  );
}

function Running({ tools, style }: { tools: readonly RunningTool[]; style: Style }) {
  return (
    <Box flexDirection="column">
      {tools.map((tool) => (
        <Text key={tool.id}>{`${style("yellow", "…")} ${style("bold", tool.name)} ${tool.summary}`}</Text>
      ))}
    </Box>
  );
}

/** The last thinking block: folded to one line while it streams, or shown in full (Ctrl-O). */
function Thinking(
  { thinking, expanded, width, rows, style }: {
    thinking: { text: string; live: boolean };
    expanded: boolean;
    width: number;
    rows: number;
    style: Style;
  },
) {
  const lines = thinkingLines(thinking.text);
  if (!expanded) return thinking.live ? <Text>{thinkingLine(lines, true, false, style)}</Text> : null;
  // What stays on screen below it: prompt, status line, spinner, a margin.
  const room = Math.max(3, rows - 9);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>{thinkingLine(lines, thinking.live, true, style)}</Text>
      <Box paddingLeft={2}>
        <Text>{thinkingPanel(thinking.text, width - 3, room, style)}</Text>
      </Box>
    </Box>
  );
}

function colourDiff(diff: string, style: Style): string {
  return diff.split("\n").map((line) =>
    line.startsWith("+") && !line.startsWith("+++")
      ? style("green", line)
      : line.startsWith("-") && !line.startsWith("---")
      ? style("red", line)
      : line.startsWith("@@")
      ? style("cyan", line)
      : line
  ).join("\n");
}

function Approval(
  { approval, width, rows, style }: { approval: PendingApproval; width: number; rows: number; style: Style },
) {
  const { request } = approval;
  // Below and around the diff: the status line, the spinner, a running tool, the borders, the question
  // and its keys; at most 40 lines of it, as for the diff shown after an edit.
  const diffRows = Math.min(40, Math.max(3, rows - 9));
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      {...(style.color ? { borderColor: "yellow" } : {})}
      paddingX={1}
    >
      <Text>
        {`${style(["bold", "yellow"], "Allow")} ${style("bold", escapeControl(request.tool))}: ${
          escapeControl(request.summary)
        }`}
      </Text>
      {request.diff !== undefined && request.diff !== "" && (
        <Text>
          {colourDiff(fittedDiff(stripTerminalControls(request.diff), diffRows, width - 4).join("\n"), style)}
        </Text>
      )}
      <Text>
        {`${style("bold", "y")} yes  ${style("bold", "n")} no  ${
          style("bold", "a")
        } always (${request.rule})`}
      </Text>
    </Box>
  );
}

/** The prompt text with the cursor drawn in; continuation lines are indented under the first. */
function promptText(state: editor.EditorState): string {
  const { text, cursor } = state;
  const at = text[cursor];
  const cursorChar = at === undefined || at === "\n" ? " " : at;
  const shown = text.slice(0, cursor) + CURSOR_ON + cursorChar + CURSOR_OFF +
    (at === undefined ? "" : at === "\n" ? text.slice(cursor) : text.slice(cursor + 1));
  return shown;
}

/** The whole chat screen. */
export function App({ controller, history, style, listDirectory }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { columns, rows } = useWindowSize();
  const width = Math.max(20, columns);
  const [prompt, setPromptState] = useState(editor.EMPTY);
  const promptRef = useRef(prompt);
  const setPrompt = (next: editor.EditorState) => {
    promptRef.current = next;
    setPromptState(next);
  };
  const [selected, setSelected] = useState(0);
  const [menuClosed, setMenuClosed] = useState(false);
  const armedExit = useRef(false);

  const completion = menuClosed ? undefined : complete(prompt, SLASH_COMMANDS, listDirectory);
  const chosen = completion ? Math.min(selected, completion.items.length - 1) : 0;

  const edit = (next: editor.EditorState) => {
    setPrompt(next);
    setSelected(0);
    setMenuClosed(false);
  };

  const submit = (text: string) => {
    if (controller.submit(text)) {
      void history.add(text);
      edit(editor.EMPTY);
      controller.hint(undefined);
    } else {
      controller.hint(BUSY_HINT);
    }
  };

  usePaste((text) => {
    if (controller.getState().approval) return;
    armedExit.current = false;
    // A paste is inserted as one block and never submits, whatever line breaks it holds.
    edit(editor.insert(promptRef.current, editor.normalisePaste(text)));
  });

  useInput((input, key) => {
    const approval = controller.getState().approval;
    if (approval) {
      const answer = approvalKey(input, key);
      if (answer) approval.answer(answer);
      return;
    }
    for (const action of keyActions(input, key)) perform(action);
  });

  const perform = (action: KeyAction) => {
    const current = promptRef.current;
    if (action.type !== "interrupt") {
      if (armedExit.current) controller.hint(undefined);
      armedExit.current = false;
    }
    // Keys can arrive faster than renders: the menu is worked out from the prompt as it is now, not
    // from the last screen (a Tab typed right after "@sr" must complete "@sr").
    const menu = menuClosed && current === prompt
      ? undefined
      : complete(current, SLASH_COMMANDS, listDirectory);
    const chosen = menu ? Math.min(selected, menu.items.length - 1) : 0;
    switch (action.type) {
      case "insert":
        return edit(editor.insert(current, action.text));
      case "left":
      case "right":
      case "wordLeft":
      case "wordRight":
      case "home":
      case "end":
      case "backspace":
      case "deleteWordBack":
      case "deleteToLineStart":
      case "deleteToLineEnd":
        return edit(editor[action.type](current));
      case "delete":
        return edit(editor.deleteForward(current));
      case "newline":
        return edit(editor.insert(current, "\n"));
      case "complete": {
        const item = menu?.items[chosen];
        if (menu && item) edit(applyCompletion(current, menu, item));
        return;
      }
      case "up": {
        if (menu && menu.items.length > 1) {
          return setSelected((chosen - 1 + menu.items.length) % menu.items.length);
        }
        const moved = editor.up(current);
        if (moved) return setPrompt(moved);
        const previous = history.previous(current.text);
        if (previous !== undefined) edit(editor.withText(previous));
        return;
      }
      case "down": {
        if (menu && menu.items.length > 1) return setSelected((chosen + 1) % menu.items.length);
        const moved = editor.down(current);
        if (moved) return setPrompt(moved);
        const next = history.next();
        if (next !== undefined) edit(editor.withText(next));
        return;
      }
      case "enter": {
        const result = editor.enter(current);
        if ("state" in result) return edit(result.state);
        // "/he" + Enter runs the command the menu offers, as if Tab had completed it first.
        const item = menu?.items[chosen];
        if (menu && item && current.text.startsWith("/") && !current.text.includes(" ")) {
          return submit(item.value);
        }
        return submit(result.submit);
      }
      case "escape":
        if (menu) return setMenuClosed(true);
        controller.cancelTurn();
        return;
      case "interrupt":
        if (current.text !== "") {
          edit(editor.EMPTY);
          return;
        }
        if (controller.cancelTurn()) return;
        if (armedExit.current) return controller.exit();
        armedExit.current = true;
        controller.hint("press Ctrl-C again to exit");
        return;
      case "eof":
        if (current.text === "") return controller.exit();
        return edit(editor.deleteForward(current));
      case "toggleThinking":
        controller.toggleThinking();
        return;
      case "redraw":
      case "ignore":
        return;
    }
  };

  const lines = prompt.text.split("\n").length;
  return (
    <>
      <Static items={[...state.transcript]}>
        {(item) => <Item key={item.id} item={item} width={width} style={style} />}
      </Static>
      {state.streaming.trim() !== "" && (
        <Box marginTop={1}>
          <Text>{renderMarkdown(state.streaming, { width: width - 1, style })}</Text>
        </Box>
      )}
      {state.thinking && (
        <Thinking
          thinking={state.thinking}
          expanded={state.thinkingExpanded}
          width={width}
          rows={rows}
          style={style}
        />
      )}
      <Running tools={state.tools} style={style} />
      {state.turn && <Spinner started={state.turn.started} activity={state.turn.activity} style={style} />}
      {state.approval ? <Approval approval={state.approval} width={width} rows={rows} style={style} /> : (
        <Box
          borderStyle="round"
          {...(style.color ? { borderColor: "gray" } : {})}
          paddingX={1}
          marginTop={1}
          width={width}
        >
          <Text>{style(["bold", "cyan"], "›") + " "}</Text>
          <Box flexDirection="column" flexGrow={1}>
            <Text>{promptText(prompt)}</Text>
            {lines > 1 && <Text>{style("gray", `${lines} lines · Enter sends`)}</Text>}
          </Box>
        </Box>
      )}
      {completion && !state.approval && (
        <Box flexDirection="column" paddingLeft={2}>
          {completion.items.map((item, index) => (
            <Text key={item.value}>
              {(index === chosen ? style(["bold", "cyan"], `› ${item.label}`) : `  ${item.label}`) +
                (item.detail ? style("gray", `  ${item.detail}`) : "")}
            </Text>
          ))}
        </Box>
      )}
      {state.hint !== undefined && <Text>{style("yellow", state.hint)}</Text>}
      <Text>{style("gray", statusLine(state.status, width))}</Text>
    </>
  );
}
