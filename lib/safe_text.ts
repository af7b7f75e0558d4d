/**
 * Text that kodelet did not write itself (config keys, file names, model answers, tool output) made
 * safe to print: a terminal must never receive an escape sequence or control character from it, since
 * those can rewrite the screen (hide a command), set the clipboard (OSC 52) or inject a line into a log.
 */
import stripAnsi from "strip-ansi";

const CONTROL_NAMES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e" };

/**
 * One line of untrusted text with every control character (C0, DEL, C1) and line separator shown as
 * an escape, e.g. a key named "a\nb" prints as `a\nb` on one line.
 */
export function escapeControl(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (char) => {
    return CONTROL_NAMES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * Multi-line untrusted text for the terminal: escape sequences (colours, cursor moves, OSC 52 ...)
 * are removed, line breaks and tabs kept, a carriage return that is not part of CRLF becomes a line
 * break (so it cannot overwrite what came before), and any other control character is dropped.
 */
export function stripTerminalControls(text: string): string {
  // deno-lint-ignore no-control-regex
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(text)) return text;
  return stripAnsi(text)
    .replace(/\r\n/g, "\n")
    .replace(/\r/g, "\n")
    // deno-lint-ignore no-control-regex
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, "");
}

/** Longest escape sequence held back waiting for its end; past it, the text goes out (stripped). */
const MAX_PENDING = 4096;

/** Whether text (starting with ESC) holds a whole escape sequence at its start. */
function wholeSequence(text: string): boolean {
  if (text.length < 2) return false;
  const kind = text[1];
  // deno-lint-ignore no-control-regex
  if (kind === "[") return /^\x1b\[[0-?]*[ -/]*[@-~]/.test(text);
  // OSC, DCS, SOS, PM, APC end with BEL or ST (ESC \).
  if (kind === "]" || kind === "P" || kind === "X" || kind === "^" || kind === "_") {
    return text.includes("\x07") || text.includes("\x1b\\", 1);
  }
  return true;
}

/** A streamed text made safe chunk by chunk (see terminalStream). */
export interface TerminalStream {
  /** The safe part of what has arrived so far. */
  write(chunk: string): string;
  /** Whatever was held back, made safe; call when the stream ends. */
  end(): string;
}

/**
 * stripTerminalControls for text that arrives in pieces (a model's streamed answer): an escape
 * sequence split across two chunks is held back until it is whole and then removed, instead of
 * leaving its visible half (`]52;c;...`) on the screen.
 */
export function terminalStream(): TerminalStream {
  let pending = "";
  return {
    write(chunk) {
      const text = pending + chunk;
      pending = "";
      const at = text.lastIndexOf("\x1b");
      if (at >= 0 && text.length - at < MAX_PENDING && !wholeSequence(text.slice(at))) {
        pending = text.slice(at);
        return stripTerminalControls(text.slice(0, at));
      }
      return stripTerminalControls(text);
    },
    end() {
      const rest = pending;
      pending = "";
      return stripTerminalControls(rest);
    },
  };
}
