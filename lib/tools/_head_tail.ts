/**
 * Keeps the start and the end of a stream of bytes in bounded memory: a command's first lines say
 * what it did, its last lines hold the error or the summary, and the middle of a huge log is cut.
 */

import { concatBytes } from "../bytes.ts";

const decoder = new TextDecoder();

/** A byte sink that remembers the first headBytes and the last tailBytes. */
export class HeadTailBuffer {
  readonly #headMax: number;
  readonly #tailMax: number;
  #head: Uint8Array[] = [];
  #headLength = 0;
  #tail: Uint8Array[] = [];
  #tailLength = 0;
  #total = 0;

  constructor(headBytes: number, tailBytes: number) {
    this.#headMax = headBytes;
    this.#tailMax = tailBytes;
  }

  /** Every byte pushed so far, kept or not. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Whether some bytes in the middle were dropped. */
  get truncated(): boolean {
    return this.#total > this.#headLength + this.#tailLength;
  }

  /** Adds bytes. */
  push(chunk: Uint8Array): void {
    this.#total += chunk.length;
    let rest = chunk;
    if (this.#headLength < this.#headMax) {
      const take = Math.min(this.#headMax - this.#headLength, rest.length);
      this.#head.push(rest.slice(0, take));
      this.#headLength += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.#tail.push(rest.slice());
    this.#tailLength += rest.length;
    // Drop whole chunks from the front while what is left still covers the tail.
    while (
      this.#tail.length > 1 && this.#tailLength - (this.#tail[0] as Uint8Array).length >= this.#tailMax
    ) {
      this.#tailLength -= (this.#tail.shift() as Uint8Array).length;
    }
  }

  /** The text: all of it when it fit, otherwise head, a note of how much was cut, and tail. */
  text(): string {
    const head = concatBytes(this.#head);
    let tail = concatBytes(this.#tail);
    if (!this.truncated) return decoder.decode(concatBytes([head, tail]));
    tail = tail.subarray(tail.length - this.#tailMax);
    let headEnd = head.length;
    let tailStart = 0;
    // Cut at line ends when one is near, so no half lines are shown.
    const lastNewline = head.lastIndexOf(10);
    if (lastNewline >= head.length * 0.75) headEnd = lastNewline + 1;
    const firstNewline = tail.indexOf(10);
    if (firstNewline >= 0 && firstNewline < tail.length * 0.25) tailStart = firstNewline + 1;
    // Never start the tail inside a multi-byte character.
    while (tailStart < tail.length && ((tail[tailStart] as number) & 0xc0) === 0x80) tailStart++;
    const cut = this.#total - headEnd - (tail.length - tailStart);
    const headText = new TextDecoder().decode(head.subarray(0, headEnd), { stream: true });
    const tailText = decoder.decode(tail.subarray(tailStart));
    const newline = headText.endsWith("\n") ? "" : "\n";
    return `${headText}${newline}[... ${cut} bytes of output cut from the middle ...]\n${tailText}`;
  }
}
