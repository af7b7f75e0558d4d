/**
 * Project rules: the instruction files a repository keeps for coding agents. From the repository
 * root down to the working directory, each directory's AGENTS.md and KODELET.md are read (CLAUDE.md
 * only where neither exists), and the user's own <base_path>/AGENTS.md comes first. They go into the
 * system prompt with their paths, capped in size. Their text is user content: it reaches a span only
 * as part of the system prompt, which is recorded only when content capture is on.
 */
import { dirname, join, relative, resolve } from "node:path";

/** One rules file as it goes into the system prompt. */
export interface RulesFile {
  path: string;
  text: string;
  /** Bytes left out because of the cap (0 when whole). */
  cutBytes: number;
}

/** The most of one file that goes into the prompt. */
export const MAX_RULES_FILE_BYTES = 16 * 1024;
/** The most of all files together. */
export const MAX_RULES_TOTAL_BYTES = 48 * 1024;

/** The names read in each directory, in order; the fallback only where none of them exists. */
const NAMES = ["AGENTS.md", "KODELET.md"] as const;
const FALLBACK = "CLAUDE.md";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function readText(path: string): string | undefined {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) return undefined;
    return Deno.readTextFileSync(path);
  } catch (error) {
    // An unreadable rules file is left out rather than stopping the run: it is advice, not config.
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
      return undefined;
    }
    throw error;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The repository root above `cwd` (the nearest directory holding .git), or undefined. */
export function repositoryRoot(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (exists(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The directories from the repository root (or cwd alone outside a repository) down to cwd. */
function levels(cwd: string): string[] {
  const end = resolve(cwd);
  const root = repositoryRoot(end);
  if (root === undefined) return [end];
  const parts = relative(root, end).split(/[\\/]/).filter((part) => part !== "");
  const dirs = [root];
  for (const part of parts) dirs.push(join(dirs.at(-1) as string, part));
  return dirs;
}

/** Cuts text to at most maxBytes of UTF-8, between two characters. */
function cut(text: string, maxBytes: number): { text: string; cutBytes: number } {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return { text, cutBytes: 0 };
  let end = Math.max(0, maxBytes);
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: decoder.decode(bytes.subarray(0, end)), cutBytes: bytes.length - end };
}

/**
 * Finds and reads the rules files for a run in `cwd`, capped per file and in total. Synchronous: it
 * runs once when a session starts, on a handful of small files.
 */
export function loadProjectRules(cwd: string, basePath: string): RulesFile[] {
  const paths: string[] = [join(basePath, "AGENTS.md")];
  for (const dir of levels(cwd)) {
    const found: string[] = [];
    for (const name of NAMES) {
      if (exists(join(dir, name))) found.push(join(dir, name));
    }
    if (found.length === 0 && exists(join(dir, FALLBACK))) found.push(join(dir, FALLBACK));
    paths.push(...found);
  }
  const files: RulesFile[] = [];
  let budget = MAX_RULES_TOTAL_BYTES;
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) continue;
    seen.add(path);
    const text = readText(path);
    if (text === undefined || text.trim() === "") continue;
    const perFile = cut(text, Math.min(MAX_RULES_FILE_BYTES, budget));
    budget -= encoder.encode(perFile.text).length;
    files.push({ path, text: perFile.text, cutBytes: perFile.cutBytes });
  }
  return files;
}

/** The rules as a section of the system prompt; empty when there are none. */
export function rulesSection(files: readonly RulesFile[]): string {
  if (files.length === 0) return "";
  const parts = [
    "# Project rules",
    "Instructions from the user and the repository. Follow them; a file deeper in the tree wins over one above it.",
  ];
  for (const file of files) {
    parts.push("", `## ${file.path}`, file.text.trimEnd());
    if (file.cutBytes > 0) {
      parts.push(`[cut: ${file.cutBytes} more bytes of ${file.path} left out; read the file for the rest]`);
    }
  }
  return parts.join("\n");
}
