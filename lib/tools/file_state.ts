/**
 * In-memory implementations of the per-conversation state the tools use: which files the agent has
 * read (for file_edit's staleness check) and the todo list.
 */
import type { FileReadTracker, TodoItem, TodoStore } from "./tool.ts";

/** Remembers, per absolute path, the mtime and size a file had when the agent last read it. */
export class InMemoryFileReadTracker implements FileReadTracker {
  readonly #reads = new Map<string, { mtimeMs: number; size: number }>();

  /** Remembers the state of a file the agent just read (or wrote). */
  recordRead(path: string, stat: { mtimeMs: number; size: number }): void {
    this.#reads.set(path, { mtimeMs: stat.mtimeMs, size: stat.size });
  }

  /** The state recorded at the last read, if any. */
  lastRead(path: string): { mtimeMs: number; size: number } | undefined {
    const state = this.#reads.get(path);
    return state ? { ...state } : undefined;
  }
}

/** A todo list held in memory; copies go in and out so callers cannot change it behind its back. */
export class InMemoryTodoStore implements TodoStore {
  #items: TodoItem[];

  constructor(items: readonly TodoItem[] = []) {
    this.#items = items.map((item) => ({ ...item }));
  }

  /** The current list. */
  read(): TodoItem[] {
    return this.#items.map((item) => ({ ...item }));
  }

  /** Replaces the whole list. */
  write(items: TodoItem[]): void {
    this.#items = items.map((item) => ({ ...item }));
  }
}
