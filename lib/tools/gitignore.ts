/**
 * Glob and .gitignore matching for the search tools: globs through `picomatch`, .gitignore rules
 * through `ignore` (the matcher eslint and others use), so the built-in search and `rg` agree.
 */
import ignore, { type Ignore } from "ignore";
// @ts-types="@types/picomatch"
import picomatch from "picomatch";

/**
 * Compiles a glob into a RegExp that matches a whole `/`-separated relative path: `*` and `?` stay
 * within one directory, `**` spans directories, `[...]` classes, `{a,b}` alternatives; dot files
 * match like any other (hidden files are searched).
 */
export function globToRegExp(glob: string): RegExp {
  // A trailing `/**` means what is below the directory, not the directory itself (picomatch takes both).
  return picomatch.makeRe(glob.endsWith("/**") ? `${glob}/*` : glob, { dot: true, posix: true });
}

/** The shape of one gitignore line (or include glob): what decides how ripgrep is asked. */
export interface GlobShape {
  /** `!pattern`: re-includes (or, for include globs, excludes). */
  negate: boolean;
  /** `pattern/`: matches directories only. */
  dirOnly: boolean;
  /** No slash but a trailing one: the pattern matches a name at any depth. */
  basename: boolean;
}

/** The shape of one gitignore line; undefined for blanks and comments. */
export function globShape(line: string): GlobShape | undefined {
  return parseLine(line)?.shape;
}

/** A gitignore line split into its shape and the glob left once `!`, `/` anchors and escapes are off. */
function parseLine(line: string): { shape: GlobShape; glob: string } | undefined {
  // Trailing spaces are dropped unless escaped with a backslash.
  let text = line.replace(/\r$/, "").replace(/(?<!\\)\s+$/, "");
  if (text === "" || text.startsWith("#")) return undefined;
  const negate = text.startsWith("!");
  if (negate || text.startsWith("\\!") || text.startsWith("\\#")) text = text.slice(1);
  const dirOnly = text.endsWith("/") && !text.endsWith("\\/");
  if (dirOnly) text = text.slice(0, -1);
  if (text === "") return undefined;
  const basename = !text.includes("/");
  return { shape: { negate, dirOnly, basename }, glob: text.startsWith("/") ? text.slice(1) : text };
}

/** The rules of one .gitignore file, with the directory they are relative to. */
export interface IgnoreFile {
  /** Absolute directory holding the .gitignore, `/`-separated, no trailing slash. */
  dir: string;
  rules: Ignore;
}

/** Parses the text of a .gitignore in `dir`. */
export function parseGitignore(dir: string, text: string): IgnoreFile {
  return { dir: dir.replace(/\/+$/, "") || "/", rules: ignore().add(text) };
}

/** `ignore` tells a directory by its trailing slash. */
function subject(relativePath: string, isDir: boolean): string {
  return isDir ? `${relativePath}/` : relativePath;
}

/**
 * Whether an absolute path is ignored by a stack of .gitignore files (outermost first). The last
 * matching rule wins, and deeper files override shallower ones, as git does.
 */
export function isIgnored(stack: readonly IgnoreFile[], absolutePath: string, isDir: boolean): boolean {
  let ignored = false;
  for (const file of stack) {
    const prefix = file.dir === "/" ? "/" : `${file.dir}/`;
    if (!absolutePath.startsWith(prefix)) continue;
    const verdict = file.rules.test(subject(absolutePath.slice(prefix.length), isDir));
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

/** Include/exclude globs compiled for a walk. */
export interface IncludeFilter {
  /** Whether a file (path relative to the search root) is searched. */
  file(relativePath: string): boolean;
  /** Whether a directory is pruned by an exclusion glob such as `!vendor`. */
  excludesDir(relativePath: string): boolean;
}

/**
 * Include globs in gitignore syntax, as ripgrep's `--glob` reads them: `*.ts` matches names at any
 * depth, `src/*.ts` is relative to the search root. `!glob` excludes, and an exclusion always wins.
 * Unlike ripgrep's --glob, an include never brings back a file that .gitignore excludes.
 */
export function compileIncludeGlobs(globs: readonly string[]): IncludeFilter {
  // ripgrep's globs take `{a,b}`, which .gitignore files (and so `ignore`) do not: picomatch here.
  const rules = globs.flatMap((line) => {
    const parsed = parseLine(line);
    if (!parsed) return [];
    const { shape, glob } = parsed;
    return [{ ...shape, matches: picomatch(glob, { dot: true, posix: true, basename: shape.basename }) }];
  });
  const includes = rules.filter((rule) => !rule.negate);
  const excludes = rules.filter((rule) => rule.negate);
  const matches = (rule: (typeof rules)[number], path: string, isDir: boolean) =>
    (isDir || !rule.dirOnly) && rule.matches(path);
  return {
    file(relativePath) {
      if (excludes.some((rule) => matches(rule, relativePath, false))) return false;
      return includes.length === 0 || includes.some((rule) => matches(rule, relativePath, false));
    },
    excludesDir(relativePath) {
      return excludes.some((rule) => matches(rule, relativePath, true));
    },
  };
}
