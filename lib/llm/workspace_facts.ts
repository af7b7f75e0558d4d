/**
 * Facts about where kodelet runs, for the system prompt: the platform, the shell, and in a git
 * repository the branch and a short status. Gathered once per session, so the system prompt stays the
 * same for every request of it (a stable prefix the providers can cache).
 */

/** What the system prompt says about the machine and the repository. */
export interface WorkspaceFacts {
  platform: string;
  shell: string;
  git?: { branch: string; status: string };
}

/** Status lines shown before the rest is only counted. */
const MAX_STATUS_LINES = 20;

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const output = await new Deno.Command("git", {
      args,
      cwd,
      stdout: "piped",
      stderr: "null",
      stdin: "null",
      // Never wait on a lock another git holds, and never prompt.
      env: { GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" },
    }).output();
    return output.success ? new TextDecoder().decode(output.stdout) : undefined;
  } catch {
    // No git installed: the prompt just says nothing about a repository.
    return undefined;
  }
}

/** "clean", or the first lines of `git status --short` and how many more changed paths there are. */
export function statusSummary(short: string): string {
  const lines = short.split("\n").filter((line) => line.trim() !== "");
  if (lines.length === 0) return "clean";
  const shown = lines.slice(0, MAX_STATUS_LINES);
  const more = lines.length - shown.length;
  return [`${lines.length} changed path${lines.length === 1 ? "" : "s"}:`, ...shown]
    .concat(more > 0 ? [`... and ${more} more`] : [])
    .join("\n");
}

/**
 * The branch from the header line of `git status --branch`: `## main...origin/main [ahead 1]`,
 * `## No commits yet on main`, or `## HEAD (no branch)` when detached (undefined then).
 */
export function branchOf(header: string): string | undefined {
  const name = header.replace(/^## /, "").replace(/^(No commits yet on|Initial commit on) /, "");
  if (name.startsWith("HEAD (no branch)")) return undefined;
  // Branch names cannot contain "..", so the first "..." starts the upstream.
  return name.split("...")[0]?.split(" [")[0]?.trim();
}

/**
 * Gathers the facts for a run in `cwd`; `env` gives the shell. One git call (two on a detached HEAD),
 * which takes ~10 ms in a small repository and far longer in a large one: a session starts it at once
 * and awaits it at its first request, so git runs while the rest of kodelet loads.
 */
export async function workspaceFacts(cwd: string, env: Record<string, string>): Promise<WorkspaceFacts> {
  const facts: WorkspaceFacts = {
    platform: `${Deno.build.os} ${Deno.build.arch}`,
    // The bash tool runs commands with bash; $SHELL is what the user's own terminal uses.
    shell: `bash runs the bash tool's commands; the user's shell is ${env.SHELL ?? env.ComSpec ?? "unknown"}`,
  };
  // Outside a work tree git fails, and the prompt says nothing about a repository.
  const status = await git(cwd, ["status", "--short", "--branch", "--untracked-files=normal"]);
  if (status === undefined) return facts;
  const [header = "", ...paths] = status.split("\n");
  const branch = branchOf(header) ||
    `(detached at ${(await git(cwd, ["rev-parse", "--short", "HEAD"]))?.trim() ?? "unknown"})`;
  facts.git = { branch, status: statusSummary(paths.join("\n")) };
  return facts;
}

/** The facts as lines of the system prompt. */
export function factsSection(facts: WorkspaceFacts): string {
  const lines = [`Platform: ${facts.platform}`, `Shell: ${facts.shell}`];
  if (facts.git) {
    lines.push(`Git branch: ${facts.git.branch}`, `Git status (at start): ${facts.git.status}`);
  } else {
    lines.push("Git: not a git repository");
  }
  return lines.join("\n");
}
