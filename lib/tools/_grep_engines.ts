/**
 * The two search engines behind grep_tool: ripgrep when it is on PATH, and a built-in search with the
 * same rules (.gitignore honoured, .git skipped, hidden files searched, symlinks not followed, files
 * with NUL bytes skipped, ripgrep's --glob semantics for include globs), so that both give the same
 * matches.
 */
import { basename, dirname, join } from "node:path";
import { IgnoreChecker, walkFiles, yielder } from "./_walk.ts";
import { compileIncludeGlobs, globShape } from "./gitignore.ts";

/** One matching line. */
export interface GrepMatch {
  /** Absolute path of the file. */
  path: string;
  /** 1-based line number. */
  line: number;
  /** The line, without its line ending. */
  text: string;
}

/** What to search. */
export interface GrepRequest {
  /** Absolute directory (or file) to search. */
  root: string;
  pattern: string;
  include: readonly string[];
  ignoreCase: boolean;
  /** Stop once this many matches were collected. */
  limit: number;
  signal: AbortSignal;
}

/** What a search found. */
export interface GrepOutcome {
  matches: GrepMatch[];
  /** False when the search stopped at the limit, so more matches may exist. */
  complete: boolean;
}

/** Thrown when the pattern is not a valid regular expression. */
export class InvalidPatternError extends Error {
  override name = "InvalidPatternError";
}

/** Compiles the pattern as JavaScript sees it; a leading `(?i)` (Rust/PCRE style) becomes the i flag. */
export function compilePattern(pattern: string, ignoreCase: boolean, extraFlags = ""): RegExp {
  let source = pattern;
  let flags = extraFlags;
  if (source.startsWith("(?i)")) {
    source = source.slice(4);
    ignoreCase = true;
  }
  if (ignoreCase) flags += "i";
  try {
    return new RegExp(source, flags + "u");
  } catch {
    // Without the u flag, escapes such as `\-` or `\_` that ripgrep accepts are fine.
    try {
      return new RegExp(source, flags);
    } catch (error) {
      throw new InvalidPatternError(error instanceof Error ? error.message : String(error));
    }
  }
}

/** Searches with JavaScript regular expressions over the walked tree. */
export async function builtinSearch(request: GrepRequest): Promise<GrepOutcome> {
  const lineRegex = compilePattern(request.pattern, request.ignoreCase);
  // A whole-file test first: most files do not match, and then no line splitting is needed.
  const fileRegex = compilePattern(request.pattern, request.ignoreCase, "m");
  const info = await Deno.stat(request.root);
  const files = info.isFile ? [{ path: request.root }] : await (async () => {
    const include = compileIncludeGlobs(request.include);
    return await walkFiles(request.root, {
      signal: request.signal,
      acceptFile: (relative) => include.file(relative),
      skipDir: (relative) => include.excludesDir(relative),
    });
  })();
  const matches: GrepMatch[] = [];
  const decoder = new TextDecoder();
  const pause = yielder(request.signal);
  for (const file of files) {
    await pause();
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(file.path);
    } catch {
      continue; // vanished or unreadable: ripgrep skips it too
    }
    if (bytes.includes(0)) continue;
    const text = decoder.decode(bytes);
    if (!fileRegex.test(text)) continue;
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] as string;
      if (!lineRegex.test(line)) continue;
      if (matches.length >= request.limit) return { matches, complete: false };
      matches.push({ path: file.path, line: index + 1, text: line.replace(/\r$/, "") });
    }
  }
  return { matches, complete: true };
}

const rgCache = new Map<string, Promise<string | undefined>>();

/** The path of an executable `rg` on the given PATH, if any. */
export function findRipgrep(pathVariable: string): Promise<string | undefined> {
  let found = rgCache.get(pathVariable);
  if (!found) {
    found = (async () => {
      for (const dir of pathVariable.split(":")) {
        if (dir === "") continue;
        try {
          const info = await Deno.stat(join(dir, "rg"));
          if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return join(dir, "rg");
        } catch {
          // not in this directory
        }
      }
      return undefined;
    })();
    rgCache.set(pathVariable, found);
  }
  return found;
}

/**
 * The ripgrep arguments that give the built-in search's rules. ripgrep's --glob includes override
 * .gitignore, so includes that name only file names become a file type (types respect .gitignore);
 * includes with a path go to --glob, and the caller then drops what .gitignore excludes.
 */
export function ripgrepArgs(
  request: GrepRequest,
  target: string,
): { args: string[]; recheckIgnores: boolean } {
  const args = [
    "--no-config",
    "--hidden",
    "--no-require-git",
    "--no-ignore-dot",
    "--no-ignore-global",
    "--no-ignore-exclude",
    "--line-number",
    "--with-filename",
    "--no-heading",
    "--null",
    "--color=never",
  ];
  if (request.ignoreCase || request.pattern.startsWith("(?i)")) args.push("--ignore-case");
  const rules = request.include.map((glob) => ({ glob, rule: globShape(glob) }))
    .filter((entry) => entry.rule !== undefined);
  const includes = rules.filter((entry) => !entry.rule?.negate);
  const excludes = rules.filter((entry) => entry.rule?.negate);
  const byName = includes.every((entry) => entry.rule?.basename && !entry.rule.dirOnly);
  if (byName) {
    for (const { glob } of includes) args.push("--type-add", `kodeletinclude:${glob}`);
    if (includes.length > 0) args.push("--type", "kodeletinclude");
  } else {
    for (const { glob } of includes) args.push("--glob", glob);
  }
  // Exclusions last: with --glob the last matching glob wins, so exclusions win as in the built-in search.
  for (const { glob } of excludes) args.push("--glob", glob);
  args.push("--glob", "!.git", "--regexp", request.pattern, "--", target);
  return { args, recheckIgnores: !byName };
}

/** Searches with ripgrep; throws InvalidPatternError when ripgrep cannot parse the pattern. */
export async function ripgrepSearch(request: GrepRequest, rg: string): Promise<GrepOutcome> {
  const info = await Deno.stat(request.root);
  const cwd = info.isFile ? dirname(request.root) : request.root;
  const target = info.isFile ? basename(request.root) : ".";
  const { args, recheckIgnores } = ripgrepArgs(request, target);
  const checker = recheckIgnores && !info.isFile ? new IgnoreChecker(request.root) : undefined;
  const child = new Deno.Command(rg, {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: request.signal,
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const matches: GrepMatch[] = [];
  let complete = true;
  const decoder = new TextDecoder();
  const ignoredFiles = new Map<string, Promise<boolean>>();
  /** Adds one `path\0line:text` record; false once the limit is reached. */
  const add = async (record: string): Promise<boolean> => {
    const nul = record.indexOf("\0");
    const colon = record.indexOf(":", nul + 1);
    if (nul < 0 || colon < 0) return true;
    const path = join(cwd, record.slice(0, nul).replace(/^\.\//, ""));
    if (checker) {
      let ignored = ignoredFiles.get(path);
      if (!ignored) ignoredFiles.set(path, ignored = checker.ignored(path));
      if (await ignored) return true;
    }
    if (matches.length >= request.limit) return false;
    matches.push({
      path,
      line: Number(record.slice(nul + 1, colon)),
      text: record.slice(colon + 1).replace(/\r$/, ""),
    });
    return true;
  };
  const reader = child.stdout.getReader();
  let pending = "";
  try {
    reading: for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const records = (pending + decoder.decode(value, { stream: true })).split("\n");
      pending = records.pop() ?? "";
      for (const record of records) {
        if (!(await add(record))) {
          complete = false;
          break reading;
        }
      }
    }
  } finally {
    if (!complete) {
      await reader.cancel();
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    reader.releaseLock();
  }
  const status = await child.status;
  const errors = await stderr;
  if (complete && status.code === 2 && /regex parse error|error parsing regex/i.test(errors)) {
    throw new InvalidPatternError(errors.trim().split("\n").slice(-3).join(" "));
  }
  return { matches, complete };
}
