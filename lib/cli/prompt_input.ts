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

/** Reads stdin when it holds input: `-` asks for it, and a pipe or file is read as context. */
export async function readPromptInput(positionals: readonly string[], io: CommandIO): Promise<string> {
  const wanted = positionals.length === 1 && positionals[0] === "-";
  const stdin = wanted || io.stdinIsPiped === true ? await new Response(io.stdin).text() : undefined;
  return composePrompt(positionals, stdin);
}
