/**
 * The directory walk shared by grep_tool's built-in search and glob_tool: .gitignore files of the
 * root, its ancestors and every directory below are honoured, `.git` is skipped, symlinks are not
 * followed (all as ripgrep does, so both engines see the same files). Hidden files are included.
 */
import { dirname, join } from "node:path";
import { type IgnoreFile, isIgnored, parseGitignore } from "./gitignore.ts";

/** A file the walk found. */
export interface WalkedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the walk's root, `/`-separated. */
  relative: string;
}

/** What a walk may be told. */
export interface WalkOptions {
  signal?: AbortSignal;
  /** Directories (relative to the root) the caller wants pruned, beyond .gitignore. */
  skipDir?: (relative: string, depth: number) => boolean;
  /** Files (relative to the root) the caller wants; all by default. */
  acceptFile?: (relative: string) => boolean;
}

async function readGitignore(dir: string): Promise<IgnoreFile | undefined> {
  try {
    const text = await Deno.readTextFile(join(dir, ".gitignore"));
    return parseGitignore(dir, text);
  } catch {
    return undefined;
  }
}

/** The .gitignore files above `root`, outermost first: they apply below it too. */
async function ancestorIgnores(root: string): Promise<IgnoreFile[]> {
  const dirs: string[] = [];
  for (let dir = dirname(root);; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dir === dirname(dir)) break;
  }
  const files = await Promise.all(dirs.map(readGitignore));
  return files.filter((file) => file !== undefined);
}

/**
 * Lets long loops of synchronous file system calls (several times faster here than their async
 * forms, which pay for a round trip through the event loop each) give the event loop a turn every
 * few milliseconds, so timers, I/O and Ctrl-C are still served; throws once the signal aborts.
 */
export function yielder(signal: AbortSignal | undefined, sliceMs = 8): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      signal?.throwIfAborted();
      sliceStart = performance.now();
    });
  };
}

/** Lists the files under `root` that are not ignored, in path order. */
export async function walkFiles(root: string, options: WalkOptions = {}): Promise<WalkedFile[]> {
  const found: WalkedFile[] = [];
  const pause = yielder(options.signal);
  options.signal?.throwIfAborted();
  const visit = async (dir: string, relative: string, depth: number, stack: IgnoreFile[]): Promise<void> => {
    await pause();
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return; // unreadable directories are skipped, as rg does (it only warns)
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let ignores = stack;
    if (entries.some((entry) => entry.name === ".gitignore" && entry.isFile)) {
      const own = await readGitignore(dir);
      if (own) ignores = [...stack, own];
    }
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    for (const entry of entries) {
      if (entry.isSymlink || entry.name === ".git") continue;
      const path = prefix + entry.name;
      const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (isIgnored(ignores, path, entry.isDirectory)) continue;
      if (entry.isDirectory) {
        if (options.skipDir?.(childRelative, depth + 1)) continue;
        await visit(path, childRelative, depth + 1, ignores);
      } else if (entry.isFile && (options.acceptFile?.(childRelative) ?? true)) {
        found.push({ path, relative: childRelative });
      }
    }
  };
  await visit(root, "", 0, await ancestorIgnores(root));
  return found;
}

/**
 * Answers "is this file, found under root, ignored?" one path at a time, reading each directory's
 * .gitignore once. Used to check ripgrep's results when an include glob made it bypass .gitignore.
 */
export class IgnoreChecker {
  readonly #root: string;
  /** The rules in force inside a directory, or null when the directory itself is ignored. */
  readonly #stacks = new Map<string, Promise<IgnoreFile[] | null>>();

  constructor(root: string) {
    this.#root = root;
  }

  #stackFor(dir: string): Promise<IgnoreFile[] | null> {
    let stack = this.#stacks.get(dir);
    if (!stack) {
      stack = (async () => {
        let inherited: IgnoreFile[];
        if (dir === this.#root || !dir.startsWith(`${this.#root}/`)) {
          inherited = await ancestorIgnores(dir);
        } else {
          const parent = await this.#stackFor(dirname(dir));
          if (parent === null || dir.endsWith("/.git") || isIgnored(parent, dir, true)) return null;
          inherited = parent;
        }
        const own = await readGitignore(dir);
        return own ? [...inherited, own] : inherited;
      })();
      this.#stacks.set(dir, stack);
    }
    return stack;
  }

  /** Whether .gitignore (of the file's directory or any above it, up to and beyond root) excludes the file. */
  async ignored(path: string): Promise<boolean> {
    const stack = await this.#stackFor(dirname(path));
    return stack === null || isIgnored(stack, path, false);
  }
}
