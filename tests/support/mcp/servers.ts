/**
 * Server entries for tests, as the configuration would give them: kodelet's fixture server and the
 * reference server `@modelcontextprotocol/server-everything` (a pinned npm dependency in deno.json,
 * so CI's `deno install` fetches it), both run by the deno that runs the tests.
 */
import { fileURLToPath } from "node:url";
import type { McpHttpServer, McpStdioServer } from "../../../lib/config/mod.ts";
import { DENO_JSON, parentDenoDir } from "../run_kodelet.ts";

/** The fixture server's script. */
export const STDIO_FIXTURE: string = fileURLToPath(new URL("./stdio_server.ts", import.meta.url));

/** server-everything, as pinned in deno.json. */
export const EVERYTHING_PACKAGE = "npm:@modelcontextprotocol/server-everything@2026.8.31";

/** The env a deno child needs to find the npm cache of the test run (the SDK passes only a few variables). */
export async function denoEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return { DENO_DIR: await parentDenoDir(), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...extra };
}

/** The fixture server over stdio; `flags` pick a fault (--exit-at-start, --silent-at-start). */
export async function fixtureStdio(
  name = "fx",
  options: { flags?: string[]; env?: Record<string, string> } = {},
): Promise<McpStdioServer> {
  return {
    name,
    transport: "stdio",
    command: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      "--config",
      DENO_JSON,
      "--allow-env",
      "--allow-read",
      "--allow-write",
      STDIO_FIXTURE,
      ...(options.flags ?? []),
    ],
    env: await denoEnv(options.env),
    cwd: undefined,
    enabled: true,
    missing: [],
  };
}

/** server-everything over stdio. */
export async function everythingStdio(name = "everything"): Promise<McpStdioServer> {
  return {
    name,
    transport: "stdio",
    command: Deno.execPath(),
    args: ["run", "--quiet", "--config", DENO_JSON, "--allow-all", EVERYTHING_PACKAGE, "stdio"],
    env: await denoEnv(),
    cwd: undefined,
    enabled: true,
    missing: [],
  };
}

/** An HTTP server entry. */
export function httpServer(name: string, url: string, headers: Record<string, string> = {}): McpHttpServer {
  return { name, transport: "http", url, headers, enabled: true, missing: [] };
}

/** Whether a process exists: SIGCONT does nothing to a running process and fails for a missing one. */
export function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}
