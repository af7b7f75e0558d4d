/**
 * Reads stdin one line at a time; cancellable, so Ctrl-C can end a pending read. The line chat also
 * takes the approval question's key press through it (keyPress), so that one reader owns stdin:
 * a second reader would race this one for the bytes, and the key or the next prompt would be lost.
 *
 * It reads only when asked (no pipe that reads ahead): a read of the terminal begun in raw mode and
 * still waiting once the line mode is back would swallow a Ctrl-D (Linux's line discipline waits
 * for the raw mode's one byte), so after a key press nothing is left reading.
 */

/**
 * A UTF-8 decoding stream typed for byte streams: with Ink in the program, @types/node's
 * TextDecoderStream (which accepts any BufferSource) no longer fits pipeThrough's Uint8Array type.
 */
export function textDecoder(): TransformStream<Uint8Array, string> {
  return new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
}

/** What #chunk gives when the wait was given up on. */
const GAVE_UP: unique symbol = Symbol("gave up");

/** A line source over a byte stream. */
export class LineReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #done = false;
  /** The read in flight; a key press given up on (an aborted question) leaves it for the next caller. */
  #pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** The next chunk of input; null at its end; GAVE_UP (the read stays pending) when `until` wins. */
  async #chunk(until?: Promise<typeof GAVE_UP>): Promise<string | null | typeof GAVE_UP> {
    this.#pending ??= this.#reader.read();
    const result = await (until ? Promise.race([this.#pending, until]) : this.#pending);
    if (result === GAVE_UP) return result;
    this.#pending = undefined;
    if (result.done) {
      this.#done = true;
      const rest = this.#decoder.decode();
      return rest === "" ? null : rest;
    }
    return this.#decoder.decode(result.value, { stream: true });
  }

  /** The next line without its newline, or null at end of input (Ctrl-D) or after cancel(). */
  async next(): Promise<string | null> {
    while (true) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      if (this.#done) {
        if (this.#buffer === "") return null;
        const rest = this.#buffer;
        this.#buffer = "";
        return rest;
      }
      const chunk = await this.#chunk();
      if (typeof chunk === "string") this.#buffer += chunk;
    }
  }

  /**
   * One key press, read while the terminal is in raw mode (the caller switches it): null at end of
   * input or when `signal` aborts. Only a chunk of one character (or one escape sequence) is a key
   * press. Anything else is text typed ahead and is kept for next(): a line typed before the
   * question (it ends in "\n", which only the line mode sends), a half-typed line that raw mode
   * released at once, a paste. So typed text is neither taken as an answer nor lost.
   */
  async keyPress(signal: AbortSignal): Promise<string | null> {
    const aborted = new Promise<typeof GAVE_UP>((resolve) => {
      if (signal.aborted) resolve(GAVE_UP);
      signal.addEventListener("abort", () => resolve(GAVE_UP), { once: true });
    });
    while (!this.#done) {
      const chunk = await this.#chunk(aborted);
      if (typeof chunk !== "string") return null;
      if (isKeyPress(chunk)) return chunk;
      // Raw mode sends Enter as "\r": kept as the line end the line mode would have sent.
      this.#buffer += chunk.replace(/\r\n?/g, "\n");
    }
    return null;
  }

  /** Ends the input: a pending next() resolves with what is buffered, then null. */
  async cancel(): Promise<void> {
    this.#done = true;
    await this.#reader.cancel().catch(() => {});
  }
}

/** One key: a single character, or an escape sequence (an arrow key, Esc). */
function isKeyPress(chunk: string): boolean {
  return [...chunk].length === 1 || (chunk.startsWith("\x1b") && !chunk.includes("\n"));
}
