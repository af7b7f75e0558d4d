/**
 * The MCP SDK is loaded only when a server starts: one module (connection.ts) imports it for real,
 * and that module is reached only through a dynamic import. Everything else takes types only.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const LIB = fileURLToPath(new URL("../../../lib/", import.meta.url));

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Static imports (not `import type`) of a file, as written. */
function valueImports(text: string): string[] {
  return [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)";/gms)].map((match) => match[1] ?? "");
}

Deno.test("only lib/tools/mcp/connection.ts loads the MCP SDK, and only a dynamic import reaches it", async () => {
  const loaders: string[] = [];
  const staticImporters: string[] = [];
  for await (const path of sources(LIB)) {
    const text = await Deno.readTextFile(path);
    const name = relative(LIB, path);
    if (valueImports(text).some((specifier) => specifier.startsWith("@modelcontextprotocol/sdk"))) {
      loaders.push(name);
    }
    if (valueImports(text).some((specifier) => specifier.endsWith("/connection.ts"))) {
      staticImporters.push(name);
    }
  }
  assert.deepEqual(loaders, ["tools/mcp/connection.ts"]);
  assert.deepEqual(staticImporters, []);
  const manager = await Deno.readTextFile(join(LIB, "tools/mcp/manager.ts"));
  assert.match(manager, /await import\("\.\/connection\.ts"\)/);
});
