/**
 * What a key press means at the prompt: Ink's parsed key (input + flags) mapped to one action, as a
 * pure function so that the key bindings are unit tests. Emacs-style bindings work alongside the
 * arrows (Ctrl-A/E, Alt-B/F, Ctrl-W/U/K), as in readline.
 */

/** The subset of Ink's Key this mapping reads. */
export interface KeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

/** One thing the prompt does. */
export type KeyAction =
  | { type: "insert"; text: string }
  | {
    type:
      | "left"
      | "right"
      | "wordLeft"
      | "wordRight"
      | "home"
      | "end"
      | "backspace"
      | "delete"
      | "deleteWordBack"
      | "deleteToLineStart"
      | "deleteToLineEnd"
      | "newline"
      | "enter"
      | "up"
      | "down"
      | "complete"
      | "interrupt"
      | "toggleThinking"
      | "eof"
      | "escape"
      | "redraw";
  }
  | { type: "ignore" };

/**
 * Maps one input event to its actions. Typed text can arrive in one read together with the Enter
 * that followed it (fast typing, a slow link, keys typed before the UI started, when the terminal
 * still turned Enter into a line feed): in such a chunk each line break is an Enter and each tab a
 * completion. A lone line
 * feed is Ctrl-J, a new line. (Pastes come separately, as bracketed pastes, and never submit.)
 */
export function keyActions(input: string, key: KeyFlags): KeyAction[] {
  const plain = !key.return && !key.escape && !key.ctrl && !key.meta && !key.tab;
  if (!plain || input.length <= 1 || !/[\r\n\t]/.test(input)) return [keyAction(input, key)];
  const actions: KeyAction[] = [];
  // Split keeping the separators: each line break is an Enter, each tab a completion.
  for (const part of input.split(/(\r\n?|\n|\t)/)) {
    if (part === "") continue;
    if (part === "\t") actions.push({ type: "complete" });
    else if (/^[\r\n]/.test(part)) actions.push({ type: "enter" });
    else actions.push(keyAction(part, {}));
  }
  return actions;
}

/** Maps one key press to its action. */
export function keyAction(input: string, key: KeyFlags): KeyAction {
  const act = (type: Exclude<KeyAction["type"], "insert" | "ignore">) => ({ type }) as KeyAction;
  if (key.return) return key.meta || key.shift ? act("newline") : act("enter");
  if (key.escape) return act("escape");
  if (key.tab) return act("complete");
  if (key.leftArrow) return key.ctrl || key.meta ? act("wordLeft") : act("left");
  if (key.rightArrow) return key.ctrl || key.meta ? act("wordRight") : act("right");
  if (key.upArrow) return act("up");
  if (key.downArrow) return act("down");
  if (key.home) return act("home");
  if (key.end) return act("end");
  if (key.backspace) return key.meta || key.ctrl ? act("deleteWordBack") : act("backspace");
  if (key.delete) return act("delete");
  if (key.ctrl) {
    switch (input) {
      case "a":
        return act("home");
      case "e":
        return act("end");
      case "b":
        return act("left");
      case "f":
        return act("right");
      case "p":
        return act("up");
      case "n":
        return act("down");
      case "w":
        return act("deleteWordBack");
      case "u":
        return act("deleteToLineStart");
      case "k":
        return act("deleteToLineEnd");
      case "c":
        return act("interrupt");
      case "d":
        return act("eof");
      case "j":
        return act("newline");
      case "l":
        return act("redraw");
      case "o":
        return act("toggleThinking");
      default:
        return { type: "ignore" };
    }
  }
  if (key.meta) {
    switch (input) {
      case "b":
        return act("wordLeft");
      case "f":
        return act("wordRight");
      case "d":
        return act("deleteWordBack");
      default:
        return { type: "ignore" };
    }
  }
  if (input === "") return { type: "ignore" };
  // Line feeds typed without a paste (Ctrl-J in some terminals) are new lines, never a submit; other
  // control characters are dropped so they cannot reach the model.
  // deno-lint-ignore no-control-regex -- control characters are exactly what is removed
  const text = input.replace(/\r\n?/g, "\n").replace(/[\x00-\x09\x0b-\x1f\x7f]/g, "");
  return text === "" ? { type: "ignore" } : { type: "insert", text };
}
