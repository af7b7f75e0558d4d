/**
 * Where `kodelet run` gets its task: the arguments, stdin (`echo "..." | kodelet run`,
 * `kodelet run - < prompt.md`), or both (`git diff | kodelet run "review this"`: stdin is the context).
 */
import { UsageError } from "../errors.ts";
import type { CommandIO } from "./command.ts";

/** The task from the arguments and what stdin held (undefined: stdin was not read). */
export function composePrompt(positionals: readonly string[], stdin: string | undefined): string {
  // A binary (a build artefact, an image) piped by mistake would go to the model as megabytes of
  // noise, paid for; NUL bytes are what file_read also takes as "binary".
  if (stdin?.includes("\u0000")) {
    throw new UsageError(
      "Binary input (from stdin): it holds NUL bytes, and kodelet takes text on stdin; " +
        "name the file in the task instead",
    );
  }
  const fromStdin = positionals.length === 1 && positionals[0] === "-";
  if (fromStdin || positionals.length === 0) {
    if (stdin === undefined) {
      throw new UsageError(
        'Missing the task (from the command line): give it as arguments (kodelet run "...") or on stdin',
      );
    }
    if (stdin.trim() === "") throw new UsageError("Empty task (from stdin): stdin held no text");
    return stdin;
  }
  const query = positionals.join(" ");
  if (query.trim() === "") {
    throw new UsageError(
      'Empty task (from the command line): give the task in words, e.g. kodelet run "fix the test"',
    );
  }
  if (stdin === undefined || stdin.trim() === "") return query;
  // Tagged so that the model can tell the request from the material it is about.
  return `${query}\n\n<stdin>\n${stdin.replace(/\n$/, "")}\n</stdin>`;
}

async function readAll(stdin: ReadableStream<Uint8Array>): Promise<string | undefined> {
  try {
    return await new Response(stdin).text();
  } catch {
    return undefined; // stdin closed: nothing to read
  }
}

/**
 * Reads stdin when it may hold input: `-` asks for it, and stdin that is not a terminal (a pipe or a
 * file) is read as context. /dev/null, which a process started without input has, reads as nothing
 * and counts as no stdin at all, unlike an empty pipe: only then is stdin's kind asked.
 */
export async function readPromptInput(positionals: readonly string[], io: CommandIO): Promise<string> {
  const wanted = positionals.length === 1 && positionals[0] === "-";
  if (!wanted && io.stdinIsTerminal !== false) return composePrompt(positionals, undefined);
  const text = await readAll(io.stdin);
  const given = text !== "" || wanted || (positionals.length === 0 && await io.stdinIsPiped?.() === true);
  return composePrompt(positionals, given ? text : undefined);
}
