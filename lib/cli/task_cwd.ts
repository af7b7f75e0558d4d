/**
 * `deno task dev ...` runs in kodelet's own checkout (Deno runs a task in its config file's folder),
 * not in the repository the user is in. Deno says where the task was started in INIT_CWD; when
 * kodelet finds itself running in its own checkout on behalf of another folder, it works there.
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/** The folder holding main.ts when run from source; a compiled binary's is a virtual one nobody is in. */
export const CHECKOUT_DIR: string = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The folder kodelet should work in when it was started through a task on behalf of another one,
 * or undefined when the current folder is the right one.
 */
export function taskWorkingDirectory(
  env: Record<string, string>,
  cwd: string,
  checkoutDir: string = CHECKOUT_DIR,
): string | undefined {
  const initCwd = env.INIT_CWD;
  if (initCwd === undefined || initCwd === "") return undefined;
  // Only a task moves us into the checkout; anywhere else INIT_CWD belongs to some other tool.
  if (resolve(cwd) !== resolve(checkoutDir)) return undefined;
  const target = resolve(initCwd);
  return target === resolve(cwd) ? undefined : target;
}
