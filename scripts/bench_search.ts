/**
 * Benchmark of grep_tool and glob_tool on a generated tree of 100,000 files (10,000 of them in a
 * directory that .gitignore excludes), against `rg` and `find` when they are on PATH. Prints the
 * median of a few runs for each; it is a measurement, not a test.
 *
 *   deno run --allow-read --allow-write --allow-run --allow-env scripts/bench_search.ts [--files N] [--runs N]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findRipgrep, type GrepRequest } from "../lib/tools/_grep_engines.ts";
import { globFiles } from "../lib/tools/glob_tool.ts";
import { grepSearch } from "../lib/tools/grep_tool.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { files: { type: "string", default: "100000" }, runs: { type: "string", default: "3" } },
});
const TOTAL_FILES = Number(values.files);
const RUNS = Number(values.runs);
const FILES_PER_DIR = 100;
const NEEDLE = "kodelet_needle";

/** Writes the tree: dirs of 100 files; every 100th file holds the needle; the last tenth is gitignored. */
async function writeTree(root: string): Promise<{ needles: number; visibleNeedles: number }> {
  const dirs = Math.ceil(TOTAL_FILES / FILES_PER_DIR);
  const ignoredFrom = Math.floor(dirs * 0.9);
  await Deno.writeTextFile(join(root, ".gitignore"), "generated/\n*.tmp\n");
  const jobs: { path: string; text: string }[] = [];
  let needles = 0;
  let visibleNeedles = 0;
  for (let dir = 0; dir < dirs; dir++) {
    const ignored = dir >= ignoredFrom;
    const folder = ignored
      ? join(root, "generated", `g${dir}`)
      : join(root, `pkg${Math.floor(dir / 10)}`, `mod${dir % 10}`);
    await Deno.mkdir(folder, { recursive: true });
    for (let file = 0; file < FILES_PER_DIR && jobs.length < TOTAL_FILES; file++) {
      const index = dir * FILES_PER_DIR + file;
      const hit = index % 100 === 7;
      if (hit) {
        needles++;
        if (!ignored) visibleNeedles++;
      }
      const ext = file % 3 === 0 ? "go" : "ts";
      const text =
        `// file ${index}\nexport function f${index}(x: number): number {\n  return x * ${index};\n}\n` +
        (hit ? `const marker = "${NEEDLE}";\n` : "") + "// ".padEnd(80, "-") + "\n";
      jobs.push({ path: join(folder, `file${file}.${ext}`), text });
    }
  }
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as { path: string; text: string };
      await Deno.writeTextFile(job.path, job.text);
    }
  }));
  return { needles, visibleNeedles };
}

/** Median wall time of `runs` calls, in ms, and the last result. */
async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    result = await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, result: result as T };
}

/** Runs a command and counts its output lines. */
async function countLines(command: string, args: string[], cwd: string): Promise<number> {
  const output = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "null" }).output();
  return new TextDecoder().decode(output.stdout).split("\n").filter((line) => line !== "").length;
}

async function onPath(name: string): Promise<boolean> {
  const status = await new Deno.Command("sh", {
    args: ["-c", `command -v ${name}`],
    stdout: "null",
    stderr: "null",
  })
    .output();
  return status.success;
}

const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-bench-" }));
try {
  const setupStarted = performance.now();
  const { needles, visibleNeedles } = await writeTree(root);
  console.log(
    `tree: ${TOTAL_FILES} files in ${root} (${needles} needles, ${visibleNeedles} outside the gitignored tenth), ` +
      `written in ${
        ((performance.now() - setupStarted) / 1000).toFixed(1)
      } s; median of ${RUNS} runs, ${navigator.hardwareConcurrency} cores`,
  );
  const rg = await findRipgrep(Deno.env.get("PATH") ?? "");
  const hasFind = await onPath("find");
  // Warm the page and dentry caches so that the first measurement is not the only cold one.
  if (hasFind) await countLines("find", [".", "-type", "f"], root);

  const request: GrepRequest = {
    root,
    pattern: NEEDLE,
    include: [],
    ignoreCase: false,
    limit: 10_000,
    signal: new AbortController().signal,
  };
  const rows: [string, number, string][] = [];
  const builtin = await time(() => grepSearch(request, undefined));
  rows.push(["grep_tool, built-in search", builtin.ms, `${builtin.result.matches.length} matches`]);
  if (rg) {
    const viaRg = await time(() => grepSearch(request, rg));
    rows.push(["grep_tool, ripgrep engine", viaRg.ms, `${viaRg.result.matches.length} matches`]);
    const raw = await time(() =>
      countLines(rg, ["--no-config", "--hidden", "--no-require-git", "-n", NEEDLE, "."], root)
    );
    rows.push(["rg (command line)", raw.ms, `${raw.result} matches`]);
  }
  const included = await time(() => grepSearch({ ...request, include: ["*.ts"] }, undefined));
  rows.push(["grep_tool, built-in, include *.ts", included.ms, `${included.result.matches.length} matches`]);
  const glob = await time(() => globFiles(root, "**/*.go", request.signal));
  rows.push(["glob_tool **/*.go (newest first)", glob.ms, `${glob.result.length} files`]);
  if (hasFind) {
    // -printf %T@ makes find stat each file, as glob_tool must for its newest-first order.
    const find = await time(() =>
      countLines("find", [".", "-type", "f", "-name", "*.go", "-printf", "%T@ %p\\n"], root)
    );
    rows.push(["find -name '*.go' -printf %T@", find.ms, `${find.result} files (no .gitignore)`]);
  }

  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, ms, what] of rows) {
    console.log(`${name.padEnd(width)}  ${ms.toFixed(0).padStart(7)} ms  ${what}`);
  }
  const ms = (name: string) => rows.find(([row]) => row === name)?.[1];
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(1)}x` : "n/a");
  console.log(
    `ratio built-in grep / rg: ${ratio(ms("grep_tool, built-in search"), ms("rg (command line)"))}`,
  );
  console.log(
    `ratio grep_tool (rg engine) / rg: ${ratio(ms("grep_tool, ripgrep engine"), ms("rg (command line)"))}`,
  );
  console.log(
    `ratio glob_tool / find: ${
      ratio(ms("glob_tool **/*.go (newest first)"), ms("find -name '*.go' -printf %T@"))
    }`,
  );
  if (!rg) console.log("rg is not on PATH: no ripgrep figures (apt-get install ripgrep)");
} finally {
  await Deno.remove(root, { recursive: true });
}
