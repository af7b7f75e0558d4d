/**
 * Builds the self-contained kodelet binary with `deno compile` of a bundle (see bundle()): for the host (`--host`), for every
 * release target (`--all`), or for one (`--target <triple>`). The version, commit, date and target
 * are stamped into lib/build_info.ts for the duration of each compile and restored afterwards, and
 * dist/SHA256SUMS lists a checksum per binary.
 *
 * Permissions are named, not -A: read/write (the user's repository, ~/.kodelet), env (configuration),
 * net (LLM APIs, OTLP endpoints, web_fetch), run (the bash tool, rg), sys (host name and OS version
 * for the trace resource).
 */
import { parseArgs } from "node:util";
import { sha256Hex } from "../lib/bytes.ts";
import { VERSION } from "../lib/version.ts";

/** The release targets. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** The permissions the compiled binary runs with. */
export const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-run",
  "--allow-sys",
] as const;

const BUILD_INFO = new URL("../lib/build_info.ts", import.meta.url);

/** The asset name of a target: kodelet-<target>[.exe]. */
export function assetName(target: string): string {
  return `kodelet-${target}${target.includes("windows") ? ".exe" : ""}`;
}

async function git(...args: string[]): Promise<string> {
  try {
    const output = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : "unknown";
  } catch {
    return "unknown";
  }
}

function stamped(commit: string, date: string, target: string): string {
  return [
    "/**",
    " * Facts stamped in by scripts/build.ts when it compiles a release binary; a source checkout reports",
    ' * "dev". Kept apart from version.ts so that stamping never touches the version constant.',
    " */",
    "export const BUILD_INFO = {",
    `  commit: ${JSON.stringify(commit)},`,
    `  date: ${JSON.stringify(date)},`,
    `  target: ${JSON.stringify(target)},`,
    "} as const;",
    "",
  ].join("\n");
}

async function sha256(path: string): Promise<string> {
  return sha256Hex(await Deno.readFile(path));
}

/**
 * Bundles the program (`deno bundle --code-splitting --minify`: npm packages inlined, one chunk per
 * dynamic import, so `--version` still loads nothing else) into outDir; returns the entry point's path. The
 * binary is compiled from this bundle: it runs the two-turn scenario in about 0.6x the time of the
 * sources (`deno task bench`, section 6, which measures this same bundle).
 */
export async function bundle(outDir: string): Promise<string> {
  const result = await new Deno.Command(Deno.execPath(), {
    // Ink loads React DevTools only with DEV=true and when that optional peer is installed; it never is,
    // so the bundle leaves the import out (the chunk that holds it is never loaded).
    args: [
      "bundle",
      "--quiet",
      "--code-splitting",
      "--minify",
      "--platform",
      "deno",
      "--external",
      "react-devtools-core",
      "--outdir",
      outDir,
      "main.ts",
    ],
    cwd: new URL("..", import.meta.url),
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error(`deno bundle failed (exit ${result.code})`);
  return `${outDir}/main.js`;
}

/** Compiles one target into outDir; returns the binary's path. */
export async function compile(target: string, outDir: string): Promise<string> {
  const original = await Deno.readTextFile(BUILD_INFO);
  const output = `${outDir}/${assetName(target)}`;
  // Ctrl-C skips `finally`: restore the checkout before leaving, so no stamp is left behind.
  const restoreAndExit = () => {
    Deno.writeTextFileSync(BUILD_INFO, original);
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", restoreAndExit);
  await Deno.writeTextFile(
    BUILD_INFO,
    stamped(await git("rev-parse", "--short", "HEAD"), new Date().toISOString(), target),
  );
  const bundleDir = await Deno.makeTempDir({ prefix: "kodelet-bundle-" });
  try {
    const entry = await bundle(bundleDir);
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["compile", "--no-config", ...PERMISSIONS, "--target", target, "--output", output, entry],
      cwd: new URL("..", import.meta.url),
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!result.success) throw new Error(`deno compile for ${target} failed (exit ${result.code})`);
  } finally {
    await Deno.writeTextFile(BUILD_INFO, original);
    await Deno.remove(bundleDir, { recursive: true });
    Deno.removeSignalListener("SIGINT", restoreAndExit);
  }
  return output;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      host: { type: "boolean" },
      all: { type: "boolean" },
      target: { type: "string" },
      "out-dir": { type: "string", default: "dist" },
    },
  });
  const targets = values.all ? [...TARGETS] : values.target ? [values.target] : [Deno.build.target];
  const outDir = values["out-dir"] ?? "dist";
  await Deno.mkdir(outDir, { recursive: true });
  const sums: string[] = [];
  for (const target of targets) {
    const path = await compile(target, outDir);
    sums.push(`${await sha256(path)}  ${assetName(target)}`);
    console.error(`built ${path}`);
  }
  await Deno.writeTextFile(`${outDir}/SHA256SUMS`, sums.join("\n") + "\n");
  console.error(
    `kodelet ${VERSION}: ${targets.length} binar${
      targets.length === 1 ? "y" : "ies"
    } and SHA256SUMS in ${outDir}/`,
  );
}
