/**
 * The last lines a stdio MCP server wrote to stderr: kept (not shown) so that a server that fails to
 * start or dies says why in kodelet's one line about it; each line also goes to the debug log.
 */
import type { Logger } from "../../log.ts";

const MAX_LINES = 20;
const MAX_LINE_LENGTH = 300;

/** The readable side of a child's stderr, as the SDK hands it out (a Node stream). */
export interface StderrStream {
  on(event: "data", listener: (chunk: unknown) => void): unknown;
}

/** A bounded tail of a server's stderr. */
export class StderrTail {
  readonly #lines: string[] = [];
  #partial = "";

  constructor(private readonly server: string, private readonly log: Logger) {}

  /** Starts reading a child's stderr (null when there is none, as for HTTP servers). */
  follow(stream: StderrStream | null): void {
    const decoder = new TextDecoder();
    stream?.on("data", (chunk) => {
      const text = typeof chunk === "string" ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
      const parts = (this.#partial + text).split("\n");
      this.#partial = parts.pop() ?? "";
      for (const line of parts) this.#add(line);
    });
  }

  #add(line: string): void {
    const trimmed = line.trim();
    if (trimmed === "") return;
    this.log.debug("MCP server stderr", { server: this.server, line: trimmed });
    this.#lines.push(trimmed.length > MAX_LINE_LENGTH ? trimmed.slice(0, MAX_LINE_LENGTH) + "…" : trimmed);
    if (this.#lines.length > MAX_LINES) this.#lines.shift();
  }

  /** The last line the server wrote, if any. */
  last(): string | undefined {
    if (this.#partial.trim() !== "") {
      this.#add(this.#partial);
      this.#partial = "";
    }
    return this.#lines.at(-1);
  }

  /** A reason, with the server's last stderr line after it when there is one. */
  explain(reason: string): string {
    const last = this.last();
    return last === undefined ? reason : `${reason} (stderr: ${last})`;
  }
}
