/**
 * For the sandbox tests: whether the real bubblewrap can run here (else they are skipped, saying
 * why), and a PATH directory that holds bash and nothing else (so no bwrap).
 */
import { join } from "node:path";
import { bwrapArgs, findOnPath } from "../../lib/tools/sandbox.ts";

/** Why the real-bwrap tests cannot run here, or undefined when they can. */
export async function bwrapUnusable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "bubblewrap exists only on Linux";
  const bwrap = await findOnPath("bwrap", Deno.env.get("PATH"));
  if (!bwrap) return "bwrap is not installed (apt-get install bubblewrap)";
  const dir = await Deno.makeTempDir({ prefix: "kodelet-bwrap-probe-" });
  try {
    const probe = await new Deno.Command(bwrap, {
      args: [...bwrapArgs({ cwd: dir, tmpDir: dir, network: false }), "true"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!probe.success) return `bwrap cannot run here: ${new TextDecoder().decode(probe.stderr).trim()}`;
    return undefined;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Makes `dir` (created) a PATH entry with only a link to bash in it; returns it. */
export async function pathWithOnlyBash(dir: string): Promise<string> {
  const bash = await findOnPath("bash", Deno.env.get("PATH"));
  if (!bash) throw new Error("bash is not on PATH");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.symlink(bash, join(dir, "bash"));
  return dir;
}
