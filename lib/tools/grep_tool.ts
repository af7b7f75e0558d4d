/**
 * The grep_tool: regular-expression search over the files of a directory, honouring .gitignore,
 * with include globs and a result cap. ripgrep does the work when it is on PATH; the built-in search
 * gives the same results otherwise.
 */
import * as z from "zod/mini";
import { KODELET } from "../telemetry/mod.ts";
import { displayPath, resolvePath, statOrUndefined } from "./_fs.ts";
import {
  builtinSearch,
  findRipgrep,
  type GrepMatch,
  type GrepOutcome,
  type GrepRequest,
  InvalidPatternError,
  ripgrepSearch,
} from "./_grep_engines.ts";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** Matches shown when the model gives no max_results. */
export const DEFAULT_MAX_RESULTS = 100;
/** Matches collected at most (and sorted) before the rest are not looked for. */
export const COLLECT_LIMIT = 10_000;
/** Longer matching lines are cut in the output. */
const MAX_LINE_CHARS = 300;

/** The grep_tool's parameters. */
export const grepParameters = z.object({
  pattern: z.string().check(
    z.minLength(1),
    z.describe(
      "Regular expression to search for, line by line (ripgrep/JavaScript syntax; escape literal characters such as ( . * with \\).",
    ),
  ),
  path: z.optional(z.string()).check(z.describe(
    "Directory or file to search, relative to the working directory (default: the working directory).",
  )),
  include: z.optional(z.union([z.string(), z.array(z.string())], {
    error: "must be a glob string or an array of glob strings",
  })).check(z.describe(
    'Glob(s) of files to search, e.g. "*.ts" or ["src/**/*.go", "!*_test.go"]. A glob without "/" matches file names at any depth; "!" excludes.',
  )),
  case_insensitive: z.optional(z.boolean()).check(z.describe("Match regardless of case (default false).")),
  max_results: z.optional(z.int().check(z.minimum(1), z.maximum(1000))).check(z.describe(
    `The most matching lines to return (default ${DEFAULT_MAX_RESULTS}).`,
  )),
});

/** Which engine ran. */
export type GrepEngine = "ripgrep" | "builtin";

/** Runs a search with ripgrep when `rg` is given, falling back to the built-in one for patterns only JavaScript accepts. */
export async function grepSearch(
  request: GrepRequest,
  rg: string | undefined,
): Promise<GrepOutcome & { engine: GrepEngine }> {
  if (rg) {
    try {
      return { ...(await ripgrepSearch(request, rg)), engine: "ripgrep" };
    } catch (error) {
      if (!(error instanceof InvalidPatternError)) throw error;
    }
  }
  return { ...(await builtinSearch(request)), engine: "builtin" };
}

/** Sorts matches by path, then line, so both engines print the same thing. */
export function sortMatches(matches: GrepMatch[]): GrepMatch[] {
  return matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

function formatMatches(cwd: string, matches: readonly GrepMatch[]): string {
  const blocks: string[] = [];
  let current = "";
  let lines: string[] = [];
  for (const match of matches) {
    if (match.path !== current) {
      if (lines.length > 0) blocks.push(lines.join("\n"));
      current = match.path;
      lines = [displayPath(cwd, match.path)];
    }
    const text = match.text.length > MAX_LINE_CHARS ? `${match.text.slice(0, MAX_LINE_CHARS)}…` : match.text;
    lines.push(`  ${match.line}: ${text}`);
  }
  if (lines.length > 0) blocks.push(lines.join("\n"));
  return blocks.join("\n\n");
}

/** Searches file contents. */
export const grepTool = defineTool({
  name: "grep_tool",
  description: [
    "Searches file contents for a regular expression, line by line, and lists the matching lines with their",
    "file and line number, sorted by path. Files ignored by .gitignore and the .git directory are skipped;",
    "binary files are skipped. Narrow the search with path and include globs. Results are capped",
    `(default ${DEFAULT_MAX_RESULTS} lines); a notice says when there were more. Use glob_tool to find files by name.`,
  ].join(" "),
  parameters: grepParameters,
  readOnly: true,
  async execute(args, ctx) {
    const root = resolvePath(ctx.cwd, args.path ?? ".");
    if (!(await statOrUndefined(root))) {
      return toolError("not_found", `Path not found: ${displayPath(ctx.cwd, root)}`);
    }
    const include = args.include === undefined
      ? []
      : typeof args.include === "string"
      ? [args.include]
      : args.include;
    const maxResults = args.max_results ?? DEFAULT_MAX_RESULTS;
    const request: GrepRequest = {
      root,
      pattern: args.pattern,
      include,
      ignoreCase: args.case_insensitive ?? false,
      limit: COLLECT_LIMIT,
      signal: ctx.signal,
    };
    let outcome: Awaited<ReturnType<typeof grepSearch>>;
    try {
      outcome = await grepSearch(request, await findRipgrep(ctx.env.PATH ?? ""));
    } catch (error) {
      if (error instanceof InvalidPatternError) {
        return toolError(
          "invalid_pattern",
          `Invalid regular expression ${JSON.stringify(args.pattern)}: ${error.message}`,
        );
      }
      throw error;
    }
    const total = outcome.matches.length;
    ctx.record({ [KODELET.MATCHES]: total, [KODELET.SEARCH_ENGINE]: outcome.engine });
    if (total === 0) return toolOutput(`No matches for ${JSON.stringify(args.pattern)}.`);
    const shown = sortMatches(outcome.matches).slice(0, maxResults);
    const files = new Set(outcome.matches.map((match) => match.path)).size;
    const count = outcome.complete ? `${total}` : `more than ${COLLECT_LIMIT}`;
    const header = `${count} matching line${total === 1 ? "" : "s"} in ${
      outcome.complete ? "" : "at least "
    }${files} file${files === 1 ? "" : "s"}.`;
    const notice = shown.length < total || !outcome.complete
      ? `\n\n[Showing the first ${shown.length} of ${count} matches (sorted by path). Narrow the pattern, path or include to see the rest.]`
      : "";
    return toolOutput(`${header}\n\n${formatMatches(ctx.cwd, shown)}${notice}`);
  },
});
