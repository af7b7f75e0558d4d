/** Shared setup for the permission tests: a judge context in a real temp directory. */
import type { JudgeContext, PermissionMode } from "../../lib/tools/permissions/mod.ts";
import { parseRule } from "../../lib/tools/permissions/mod.ts";

/** A working directory and a separate temp directory, both real, removed at dispose. */
export async function places(): Promise<
  { cwd: string; tmpDir: string; outside: string; [Symbol.asyncDispose](): Promise<void> }
> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-perm-" }));
  const cwd = `${root}/work`;
  const tmpDir = `${root}/tmp`;
  const outside = `${root}/outside`;
  for (const dir of [cwd, tmpDir, outside]) await Deno.mkdir(dir);
  return { cwd, tmpDir, outside, [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}

/** A judge context: the given mode and rules, a resolver that knows only the names given. */
export function context(
  where: { cwd: string; tmpDir: string },
  mode: PermissionMode,
  rules: { allow?: string[]; deny?: string[]; hosts?: Record<string, string[]> } = {},
): JudgeContext {
  return {
    mode,
    allow: (rules.allow ?? []).map((rule) => parseRule(rule, "--allow")),
    deny: (rules.deny ?? []).map((rule) => parseRule(rule, "--deny")),
    cwd: where.cwd,
    tmpDir: where.tmpDir,
    home: "/home/tester",
    resolveHost: (host) => Promise.resolve(rules.hosts?.[host] ?? ["93.184.215.14"]),
  };
}

/** A bash call. */
export function bash(command: string) {
  return { tool: "bash", readOnly: false, input: { command } };
}
