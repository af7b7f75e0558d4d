/** The unified diff an approval shows for file_write and file_edit: what the file would become. */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/** Longest diff put in an approval request; a renderer may show less. */
const MAX_DIFF_LINES = 200;

async function currentText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return ""; // a new file, or one that cannot be read: the diff shows the new content whole
  }
}

/** The diff of a file_write or file_edit call, or undefined when there is nothing to show. */
export async function editDiff(
  tool: string,
  path: string,
  shown: string,
  input: Record<string, unknown>,
): Promise<string | undefined> {
  const before = await currentText(path);
  let after: string;
  if (tool === "file_write" && typeof input.content === "string") {
    after = input.content;
  } else if (
    tool === "file_edit" && typeof input.old_string === "string" && typeof input.new_string === "string"
  ) {
    if (!before.includes(input.old_string)) return undefined; // the edit will fail on its own
    after = input.replace_all === true
      ? before.split(input.old_string).join(input.new_string)
      : before.replace(input.old_string, () => input.new_string as string);
  } else {
    return undefined;
  }
  const patch = createTwoFilesPatch(shown, shown, before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
  const lines = patch.trimEnd().split("\n");
  if (lines.length <= MAX_DIFF_LINES) return lines.join("\n");
  return [...lines.slice(0, MAX_DIFF_LINES), `... (${lines.length - MAX_DIFF_LINES} more lines)`].join("\n");
}
