/** Pieces of the README that tests check against what the code does. */

/** The README's text. */
export const README: string = await Deno.readTextFile(new URL("../../README.md", import.meta.url));

/** The commands of the README's install-from-source block, in order. */
export function installFromSource(text: string = README): string[] {
  const block = /\*\*From source\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
  return block.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
}
