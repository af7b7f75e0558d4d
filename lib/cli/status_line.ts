/**
 * One status line on a terminal's stderr ("retrying in 2s ..."), rewritten in place and wiped before
 * anything else is written. Without a terminal it shows nothing: a pipe or a log gets no noise.
 */
import type { CommandIO } from "./command.ts";

/** Carriage return, then erase the line: the cursor is back at the start of an empty line. */
const WIPE = "\r\x1b[2K";

/** A status line over the given terminal. */
export class StatusLine {
  readonly #io: CommandIO;
  #shown = false;

  constructor(io: CommandIO) {
    this.#io = io;
  }

  /** Shows (or replaces) the status, on a terminal only. */
  show(text: string): void {
    if (this.#io.stderrIsTerminal !== true) return;
    this.#io.stderr(WIPE + text);
    this.#shown = true;
  }

  /** Wipes the status, if one is shown, so the next output starts on a clean line. */
  clear(): void {
    if (!this.#shown) return;
    this.#io.stderr(WIPE);
    this.#shown = false;
  }
}
