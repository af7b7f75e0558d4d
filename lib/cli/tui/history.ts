/**
 * Prompt history per working directory, kept across sessions in `<base>/history/<hash of cwd>.jsonl`
 * (one JSON string per line, newest last), capped so the file never grows without bound.
 */
import { sha256Hex } from "../../bytes.ts";

/** How many entries a directory's history keeps. */
export const HISTORY_CAP = 500;

async function fileFor(basePath: string, cwd: string): Promise<string> {
  return `${basePath}/history/${(await sha256Hex(cwd)).slice(0, 16)}.jsonl`;
}

function parseLines(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "string") entries.push(value);
    } catch {
      // A torn last line (two sessions writing at once) costs one entry, not the history.
    }
  }
  return entries;
}

/** The history of one directory, with up/down navigation that keeps the draft being typed. */
export class PromptHistory {
  #entries: string[];
  /** entries.length while not navigating. */
  #index: number;
  #draft = "";

  private constructor(readonly file: string | undefined, entries: string[], readonly cap: number) {
    this.#entries = entries;
    this.#index = entries.length;
  }

  /** Loads a directory's history; a missing or unreadable file is an empty history. */
  static async load(basePath: string, cwd: string, cap = HISTORY_CAP): Promise<PromptHistory> {
    const file = await fileFor(basePath, cwd);
    let entries: string[] = [];
    try {
      entries = parseLines(await Deno.readTextFile(file)).slice(-cap);
    } catch {
      // no history yet
    }
    return new PromptHistory(file, entries, cap);
  }

  /** A history that is not saved (tests, or a base path that cannot be written). */
  static inMemory(entries: string[] = [], cap = HISTORY_CAP): PromptHistory {
    return new PromptHistory(undefined, entries, cap);
  }

  /** Every entry, oldest first. */
  get entries(): readonly string[] {
    return this.#entries;
  }

  /** The entry before the one shown (up-arrow); `current` is kept as the draft when leaving it. */
  previous(current: string): string | undefined {
    if (this.#index === 0) return undefined;
    if (this.#index === this.#entries.length) this.#draft = current;
    this.#index--;
    return this.#entries[this.#index];
  }

  /** The entry after the one shown (down-arrow), and finally the draft again. */
  next(): string | undefined {
    if (this.#index >= this.#entries.length) return undefined;
    this.#index++;
    return this.#index === this.#entries.length ? this.#draft : this.#entries[this.#index];
  }

  /** Adds a submitted prompt (not a repeat of the last one) and saves it; navigation starts over. */
  async add(text: string): Promise<void> {
    this.#index = this.#entries.length;
    if (text.trim() === "" || this.#entries.at(-1) === text) {
      this.#index = this.#entries.length;
      return;
    }
    this.#entries.push(text);
    const overCap = this.#entries.length > this.cap;
    if (overCap) this.#entries = this.#entries.slice(-this.cap);
    this.#index = this.#entries.length;
    this.#draft = "";
    if (this.file === undefined) return;
    try {
      await Deno.mkdir(this.file.slice(0, this.file.lastIndexOf("/")), { recursive: true });
      if (overCap) {
        // Rewritten whole only when the cap is passed; appending is the common case.
        const all = this.#entries.map((entry) => JSON.stringify(entry) + "\n").join("");
        await Deno.writeTextFile(this.file + ".tmp", all, { mode: 0o600 });
        await Deno.rename(this.file + ".tmp", this.file);
      } else {
        await Deno.writeTextFile(this.file, JSON.stringify(text) + "\n", { append: true, mode: 0o600 });
      }
    } catch {
      // History is a convenience: a read-only home must not break the session.
    }
  }
}
