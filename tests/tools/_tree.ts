/** A small project tree exercising .gitignore rules, hidden files, .git and binary files (grep and glob tests). */

/** Files of the tree, by relative path; every text file contains "needle". */
export const TREE: Record<string, string | Uint8Array> = {
  ".gitignore": "build/\n*.log\n!keep.log\n/root_only.txt\ndocs/**/draft*\n# a comment\n\n",
  "src/a.ts": "needle one\nnothing here\nNEEDLE two\n",
  "src/b.js": "needle js\n",
  "src/sub/.gitignore": "generated.ts\n",
  "src/sub/generated.ts": "needle generated\n",
  "src/sub/c.ts": "const needle = 3;\r\nneedle again\n",
  "src/root_only.txt": "needle anchored elsewhere\n",
  "build/out.ts": "needle built\n",
  "app.log": "needle log\n",
  "keep.log": "needle kept\n",
  "root_only.txt": "needle at root\n",
  ".hidden/h.ts": "needle hidden\n",
  ".git/config": "needle git\n",
  "bin.dat": new Uint8Array([110, 101, 101, 100, 108, 101, 0, 1, 2, 10]),
  "docs/x/draft1.md": "needle draft\n",
  "docs/x/final.md": "needle final\n",
  "vendor/v.ts": "needle vendored\n",
};

/** Writes TREE under dir. */
export async function writeTree(dir: string): Promise<void> {
  for (const [path, content] of Object.entries(TREE)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
}
