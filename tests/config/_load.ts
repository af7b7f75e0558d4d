/** Loads a Config from real files in temporary directories, as kodelet would at start-up. */
import { join } from "node:path";
import { type Config, loadConfig } from "../../lib/config/mod.ts";

/** What a test gives: env, flags, and the YAML text of either config file (absent: no file). */
export interface ConfigFixture {
  env?: Record<string, string>;
  flags?: Record<string, string | boolean>;
  /** Contents of <home>/.kodelet/config.yaml. */
  globalYaml?: string;
  /** Contents of <cwd>/kodelet-config.yaml. */
  localYaml?: string;
}

/** Writes the files, loads the configuration and removes the files again. */
export async function loadFromFiles(fixture: ConfigFixture): Promise<Config> {
  const root = await Deno.makeTempDir({ prefix: "kodelet-config-" });
  try {
    const home = join(root, "home");
    const cwd = join(root, "project");
    await Deno.mkdir(join(home, ".kodelet"), { recursive: true });
    await Deno.mkdir(cwd, { recursive: true });
    if (fixture.globalYaml !== undefined) {
      await Deno.writeTextFile(join(home, ".kodelet", "config.yaml"), fixture.globalYaml);
    }
    if (fixture.localYaml !== undefined) {
      await Deno.writeTextFile(join(cwd, "kodelet-config.yaml"), fixture.localYaml);
    }
    return await loadConfig({ env: fixture.env ?? {}, flags: fixture.flags ?? {}, cwd, home });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** The message of the error fn rejects with; fails when it resolves. */
export async function rejectionMessage(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected a rejection, but the promise resolved");
}
