/**
 * Glob and .gitignore matching for the search tools. Written here because the usual npm package
 * ("ignore") is not in deno.json; the semantics follow the gitignore documentation (and ripgrep's
 * glob flavour for `{a,b}` alternatives), so the built-in search and `rg` agree.
 */

/** Escapes a character for use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Reads a `[...]` class starting at `start` (the `[`); undefined when it is not closed. */
function readClass(glob: string, start: number): { source: string; end: number } | undefined {
  let index = start + 1;
  let negate = false;
  if (glob[index] === "!" || glob[index] === "^") {
    negate = true;
    index++;
  }
  let body = "";
  // A `]` right after the opening bracket is a literal member, as in POSIX.
  if (glob[index] === "]") {
    body += "\\]";
    index++;
  }
  for (; index < glob.length; index++) {
    const char = glob[index] as string;
    if (char === "]") return { source: `[${negate ? "^" : ""}${body}]`, end: index };
    if (char === "\\" && index + 1 < glob.length) {
      body += escapeRegExp(glob[++index] as string);
    } else if (char === "-") {
      body += "-";
    } else {
      body += char === "^" ? "\\^" : escapeRegExp(char);
    }
  }
  return undefined;
}

/**
 * Turns a glob into a RegExp source matching a whole `/`-separated path: `*` and `?` stop at `/`,
 * `**` spans directories when it is a whole segment, `[...]` classes, `{a,b}` alternatives.
 */
export function globToRegExpSource(glob: string): string {
  let source = "";
  let braceDepth = 0;
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] as string;
    if (char === "*") {
      const doubled = glob[index + 1] === "*";
      const segmentStart = index === 0 || glob[index - 1] === "/";
      const afterStars = doubled ? glob[index + 2] : undefined;
      if (doubled && segmentStart && (afterStars === "/" || afterStars === undefined)) {
        if (afterStars === "/") {
          source += "(?:.*/)?"; // `**/`: zero or more directories
          index += 2;
        } else {
          source += ".*"; // trailing `**`: everything below
          index += 1;
        }
        continue;
      }
      // Other runs of asterisks are plain asterisks.
      while (glob[index + 1] === "*") index++;
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[") {
      const range = readClass(glob, index);
      if (range) {
        source += range.source;
        index = range.end;
      } else {
        source += "\\[";
      }
    } else if (char === "{") {
      braceDepth++;
      source += "(?:";
    } else if (char === "}" && braceDepth > 0) {
      braceDepth--;
      source += ")";
    } else if (char === "," && braceDepth > 0) {
      source += "|";
    } else if (char === "\\" && index + 1 < glob.length) {
      source += escapeRegExp(glob[++index] as string);
    } else {
      source += escapeRegExp(char);
    }
  }
  // An unclosed `{` is closed at the end, which keeps the RegExp valid.
  source += ")".repeat(braceDepth);
  return source;
}

/** Compiles a glob into a RegExp that matches a whole relative path. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globToRegExpSource(glob)}$`);
}

/** One line of a .gitignore file (or one include glob), compiled. */
export interface GlobRule {
  /** The line as written, for messages. */
  pattern: string;
  regex: RegExp;
  /** `!pattern`: re-includes what an earlier rule excluded. */
  negate: boolean;
  /** `pattern/`: matches directories only. */
  dirOnly: boolean;
  /** No slash but a trailing one: the pattern matches a name at any depth, so it is tested on the basename. */
  basename: boolean;
}

/** Compiles one gitignore line; undefined for blanks and comments. */
export function compileGitignoreLine(line: string): GlobRule | undefined {
  let text = line.replace(/\r$/, "");
  // Trailing spaces are dropped unless escaped with a backslash.
  text = text.replace(/(?<!\\)\s+$/, "");
  if (text === "" || text.startsWith("#")) return undefined;
  let negate = false;
  if (text.startsWith("!")) {
    negate = true;
    text = text.slice(1);
  } else if (text.startsWith("\\!") || text.startsWith("\\#")) {
    text = text.slice(1);
  }
  let dirOnly = false;
  if (text.endsWith("/") && !text.endsWith("\\/")) {
    dirOnly = true;
    text = text.slice(0, -1);
  }
  if (text === "") return undefined;
  const anchored = text.includes("/");
  if (text.startsWith("/")) text = text.slice(1);
  return { pattern: line, regex: globToRegExp(text), negate, dirOnly, basename: !anchored };
}

/** Whether a rule matches a path relative to the rule's base directory. */
export function ruleMatches(rule: GlobRule, relativePath: string, isDir: boolean): boolean {
  if (rule.dirOnly && !isDir) return false;
  const subject = rule.basename ? relativePath.slice(relativePath.lastIndexOf("/") + 1) : relativePath;
  return rule.regex.test(subject);
}

/** The rules of one .gitignore file, with the directory they are relative to. */
export interface IgnoreFile {
  /** Absolute directory holding the .gitignore, `/`-separated, no trailing slash. */
  dir: string;
  rules: GlobRule[];
}

/** Parses the text of a .gitignore in `dir`. */
export function parseGitignore(dir: string, text: string): IgnoreFile {
  const rules: GlobRule[] = [];
  for (const line of text.split("\n")) {
    const rule = compileGitignoreLine(line);
    if (rule) rules.push(rule);
  }
  return { dir: dir.replace(/\/+$/, "") || "/", rules };
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
    const relative = absolutePath.slice(prefix.length);
    for (const rule of file.rules) {
      if (ruleMatches(rule, relative, isDir)) ignored = !rule.negate;
    }
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
  const rules = globs.map((glob) => compileGitignoreLine(glob)).filter((rule) => rule !== undefined);
  const includes = rules.filter((rule) => !rule.negate);
  const excludes = rules.filter((rule) => rule.negate);
  return {
    file(relativePath) {
      if (excludes.some((rule) => ruleMatches(rule, relativePath, false))) return false;
      return includes.length === 0 || includes.some((rule) => ruleMatches(rule, relativePath, false));
    },
    excludesDir(relativePath) {
      return excludes.some((rule) => ruleMatches(rule, relativePath, true));
    },
  };
}
