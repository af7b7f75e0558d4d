/** Reads stdin one line at a time; cancellable, so Ctrl-C can end a pending read. */

/**
 * A UTF-8 decoding stream typed for byte streams: with Ink in the program, @types/node's
 * TextDecoderStream (which accepts any BufferSource) no longer fits pipeThrough's Uint8Array type.
 */
export function textDecoder(): TransformStream<Uint8Array, string> {
  return new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
}

/** A line source over a byte stream. */
export class LineReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  #done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(textDecoder()).getReader();
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
      const { value, done } = await this.#reader.read();
      if (done) this.#done = true;
      else this.#buffer += value;
    }
  }

  /** Ends the input: a pending next() resolves with what is buffered, then null. */
  async cancel(): Promise<void> {
    this.#done = true;
    await this.#reader.cancel().catch(() => {});
  }
}
