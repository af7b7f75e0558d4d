/**
 * `deno task dev ...` runs in kodelet's own checkout (Deno runs a task in its config file's folder),
 * not in the repository the user is in. Deno says where the task was started in INIT_CWD; the dev
 * task marks itself with KODELET_DEV_TASK=1, and then kodelet works in INIT_CWD.
 */
import { resolve } from "node:path";

/**
 * The folder kodelet should work in when the dev task started it on behalf of another one, or
 * undefined when the current folder is the right one.
 */
export function taskWorkingDirectory(env: Record<string, string>, cwd: string): string | undefined {
  // Only our own task: in someone else's task (or npm script) INIT_CWD is not ours to follow.
  if (env.KODELET_DEV_TASK !== "1") return undefined;
  const initCwd = env.INIT_CWD;
  if (initCwd === undefined || initCwd === "") return undefined;
  const target = resolve(cwd, initCwd);
  return target === resolve(cwd) ? undefined : target;
}
