/** Help texts are written from the command table and the flag definitions. */
import assert from "node:assert/strict";
import { commandHelp, mainHelp } from "../../lib/cli/help.ts";
import { TABLE } from "./_commands.ts";

/** The column where the descriptions of the flag lines start. */
function descriptionColumns(help: string): number[] {
  return help.split("\n")
    .filter((line) => /^\s+(-\w, )?--[a-z]/.test(line))
    .map((line) => /^(\s+(?:-\w, )?--\S+(?: <value>)?\s+)\S/.exec(line)?.[1]?.length ?? -1);
}

Deno.test("mainHelp lists every command with its usage and every global flag", () => {
  const help = mainHelp(TABLE);
  assert.match(help, /^ {2}run <query\.\.\.>\s+the run command$/m);
  assert.match(help, /^ {2}conversation show <id>\s+the conversation show command$/m);
  for (
    const flag of ["--tracing-enabled", "--tracing-sampler <value>", "--tracing-ratio <value>", "--version"]
  ) {
    assert.ok(help.includes(flag), flag);
  }
});

Deno.test("mainHelp aligns every flag description in one column", () => {
  const columns = new Set(descriptionColumns(mainHelp(TABLE)));
  assert.equal(columns.size, 1, `columns: ${[...columns].join(", ")}`);
});

Deno.test("commandHelp shows the usage line, the command's flags and the global flags", () => {
  const run = TABLE.find((command) => command.path[0] === "run");
  assert.ok(run);
  const help = commandHelp(run);
  assert.match(help, /^Usage: kodelet run <query\.\.\.> \[flags\]$/m);
  assert.match(help, /^ {2}-i, --image <value>\s+image$/m);
  assert.match(help, /^Global flags:$/m);
  assert.ok(help.includes("--tracing-ratio <value>"));
});
