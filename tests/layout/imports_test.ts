/**
 * The layout's rule, checked: a folder of lib/ is entered through its mod.ts. An import from one
 * folder (or from main.ts) into another folder must name that folder's mod.ts, never a file behind it.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sourceFiles } from "../support/source_files.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The only imports allowed past a mod.ts, and why. main.ts answers `--version` before evaluating a
 * single npm module, which the whole of lib/cli/mod.ts would load.
 */
const ALLOWED = new Set(["main.ts -> lib/cli/version.ts"]);

/** Relative module specifiers of a source text: static imports, re-exports and dynamic import(). */
export function specifiersOf(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
  for (const match of text.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

/** The folder of lib/ a file belongs to ("cli", "telemetry", ...), or undefined for main.ts and lib/*.ts. */
function folderOf(path: string): string | undefined {
  const parts = relative(ROOT, path).split("/");
  return parts[0] === "lib" && parts.length > 2 ? parts[1] : undefined;
}

/** Every import that reaches past another folder's mod.ts, as "from -> to". */
async function violations(): Promise<string[]> {
  const files = [join(ROOT, "main.ts"), ...await sourceFiles(join(ROOT, "lib"))];
  const found: string[] = [];
  for (const file of files) {
    const from = folderOf(file);
    for (const specifier of specifiersOf(await Deno.readTextFile(file))) {
      const target = resolve(dirname(file), specifier);
      const to = folderOf(target);
      if (to === undefined || to === from) continue;
      if (relative(join(ROOT, "lib", to), target) === "mod.ts") continue;
      const edge = `${relative(ROOT, file)} -> ${relative(ROOT, target)}`;
      if (!ALLOWED.has(edge)) found.push(edge);
    }
  }
  return found;
}

Deno.test("imports between lib/ folders go through the folder's mod.ts", async () => {
  assert.deepEqual(await violations(), []);
});

Deno.test("the import check sees static, re-exported and dynamic imports, on one line or several", () => {
  const text = [
    'import { a } from "../tools/registry.ts";',
    "import {\n  b,\n  c,\n} from '../llm/types.ts';",
    'export { d } from "./local.ts";',
    'const e = await import("../trace_store/spool.ts");',
    'import "../side_effect.ts";',
    'import { f } from "node:path";',
  ].join("\n");
  assert.deepEqual(specifiersOf(text), [
    "../tools/registry.ts",
    "../llm/types.ts",
    "./local.ts",
    "../trace_store/spool.ts",
    "../side_effect.ts",
  ]);
});

/** Relative specifiers a module loads when it is evaluated: static imports that are not type-only. */
export function loadedSpecifiersOf(text: string): string[] {
  const found: string[] = [];
  const pattern =
    /^(?:import|export)(?!\s+type\b)[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|^import\s+["'](\.{1,2}\/[^"']+)["']/gms;
  for (const match of text.matchAll(pattern)) found.push((match[1] ?? match[2]) as string);
  return found;
}

Deno.test("telemetry's front door never loads the trace store, which takes its attribute names from there", async () => {
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of loadedSpecifiersOf(await Deno.readTextFile(file))) {
      await visit(resolve(dirname(file), specifier));
    }
  };
  await visit(join(ROOT, "lib/telemetry/mod.ts"));
  const loaded = [...seen].map((file) => relative(ROOT, file));
  assert.ok(loaded.includes("lib/telemetry/with_span.ts"), loaded.join(", "));
  assert.deepEqual(loaded.filter((file) => file.startsWith("lib/trace_store/")), []);
});

Deno.test("the loaded-imports reader skips type-only imports and dynamic ones", () => {
  const text = [
    'import type { A } from "../trace_store/mod.ts";',
    'export type { B } from "./types.ts";',
    'import { c } from "./c.ts";',
    'export { d } from "./d.ts";',
    "import {\n  e,\n} from './e.ts';",
    'const f = await import("./f.ts");',
  ].join("\n");
  assert.deepEqual(loadedSpecifiersOf(text), ["./c.ts", "./d.ts", "./e.ts"]);
});

Deno.test("lib/trace_store only reads: no file of it writes, removes or creates anything", async () => {
  const writes =
    /\bDeno\.(write\w*|remove|mkdir\w*|rename|truncate\w*|create\w*|chmod\w*)\b|\b(write|create|append)\s*:\s*true/;
  const found: string[] = [];
  for (const file of await sourceFiles(join(ROOT, "lib/trace_store"))) {
    const lines = (await Deno.readTextFile(file)).split("\n");
    lines.forEach((line, index) => {
      if (writes.test(line)) found.push(`${relative(ROOT, file)}:${index + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});
