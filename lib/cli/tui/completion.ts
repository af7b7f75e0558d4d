/**
 * Completion at the prompt: `/` + letters offers the slash commands, `@` + a path offers the files
 * and directories of that folder (relative to the working directory). Pure apart from listing one
 * directory, which the caller passes in.
 */
import type { SlashCommand } from "../slash_commands.ts";
import type { EditorState } from "./editor.ts";

/** One offered completion. */
export interface CompletionItem {
  /** The text that replaces the word. */
  value: string;
  /** What the menu shows. */
  label: string;
  /** A dim note after the label. */
  detail?: string;
}

/** What can complete the word at the cursor, and where that word is. */
export interface Completion {
  start: number;
  end: number;
  items: CompletionItem[];
}

/** Lists one directory: entry names with whether each is a directory; [] when unreadable. */
export type ListDirectory = (path: string) => { name: string; isDirectory: boolean }[];

/** How many items the menu offers at most. */
export const MAX_ITEMS = 8;

/** The completions for the word at the cursor, or undefined when it is not a /command or an @path. */
export function complete(
  state: EditorState,
  commands: readonly SlashCommand[],
  listDirectory: ListDirectory,
): Completion | undefined {
  const { text, cursor } = state;
  // Slash commands: only as the first word of the prompt, before any space.
  if (text.startsWith("/") && !/\s/.test(text.slice(0, cursor))) {
    const typed = text.slice(1, cursor);
    const items = commands.filter((command) => command.name.startsWith(typed)).map((command) => ({
      value: `/${command.name}`,
      label: `/${command.name}${command.args ? " " + command.args : ""}`,
      detail: command.summary,
    }));
    return items.length > 0 ? { start: 0, end: cursor, items } : undefined;
  }
  const before = text.slice(0, cursor);
  const match = /(^|\s)@([^\s@]*)$/.exec(before);
  if (!match) return undefined;
  const typed = match[2] ?? "";
  const start = cursor - typed.length - 1;
  const slash = typed.lastIndexOf("/");
  const folder = slash >= 0 ? typed.slice(0, slash + 1) : "";
  const prefix = typed.slice(slash + 1);
  const entries = listDirectory(folder === "" ? "." : folder)
    // Hidden entries only when asked for with a leading dot, as shells do.
    .filter((entry) =>
      entry.name.startsWith(prefix) && (prefix.startsWith(".") || !entry.name.startsWith("."))
    )
    .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name))
    .slice(0, MAX_ITEMS);
  const items = entries.map((entry) => {
    const path = folder + entry.name + (entry.isDirectory ? "/" : "");
    return { value: `@${path}`, label: path };
  });
  return items.length > 0 ? { start, end: cursor, items } : undefined;
}

/** The prompt after choosing `item`: a file gets a space after it, a directory does not (so Tab goes on). */
export function applyCompletion(
  state: EditorState,
  completion: Completion,
  item: CompletionItem,
): EditorState {
  const suffix = item.value.endsWith("/") ? "" : " ";
  const rest = state.text.slice(completion.end);
  const inserted = item.value + (rest.startsWith(" ") ? "" : suffix);
  return {
    text: state.text.slice(0, completion.start) + inserted + rest,
    cursor: completion.start + inserted.length,
  };
}

/** Lists a directory under `cwd` synchronously (small, and only on a keystroke that needs it). */
export function directoryLister(cwd: string): ListDirectory {
  return (path) => {
    const absolute = path.startsWith("/") ? path : `${cwd}/${path}`;
    try {
      const out: { name: string; isDirectory: boolean }[] = [];
      for (const entry of Deno.readDirSync(absolute)) {
        out.push({ name: entry.name, isDirectory: entry.isDirectory });
        if (out.length >= 2000) break;
      }
      return out;
    } catch {
      return [];
    }
  };
}
