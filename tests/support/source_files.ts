/** The program's TypeScript files, for tests that read the source itself (layout, compile rules). */
import { join } from "node:path";

/** Every .ts file under dir, recursively. */
export async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}
