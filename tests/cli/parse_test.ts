/** parseCommandLine: which command, its positionals and flags, and one clear UsageError otherwise. */
import assert from "node:assert/strict";
import { parseCommandLine } from "../../lib/cli/parse.ts";
import { UsageError } from "../../lib/errors.ts";
import { TABLE } from "./_commands.ts";

function parse(...argv: string[]) {
  return parseCommandLine(argv, TABLE);
}

function usageError(...argv: string[]): UsageError {
  try {
    parse(...argv);
  } catch (error) {
    assert.ok(error instanceof UsageError, `not a UsageError: ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.doesNotMatch(error.message, /\n/);
    return error;
  }
  assert.fail(`parsed without error: ${argv.join(" ")}`);
}

function run(...argv: string[]) {
  const line = parse(...argv);
  assert.equal(line.kind, "run");
  return line;
}

Deno.test("parseCommandLine with no arguments asks for the main help", () => {
  assert.deepEqual(parse(), { kind: "help", command: undefined });
});

Deno.test("parseCommandLine reads --version and -V alone as the version", () => {
  assert.deepEqual(parse("--version"), { kind: "version" });
  assert.deepEqual(parse("-V"), { kind: "version" });
});

Deno.test("parseCommandLine finds a command with its positionals and flags in any order", () => {
  const line = run("--model", "m1", "run", "fix", "the", "bug", "--plain");
  assert.equal(line.command.path.join(" "), "run");
  assert.deepEqual(line.positionals, ["fix", "the", "bug"]);
  assert.deepEqual(line.flags, { model: "m1", plain: true });
});

Deno.test("parseCommandLine does not take a flag's value for the command name", () => {
  const line = run("--tracing-sampler", "never", "version");
  assert.equal(line.command.path.join(" "), "version");
  assert.equal(line.flags["tracing-sampler"], "never");
});

Deno.test("parseCommandLine finds the longest matching command path", () => {
  const line = run("conversation", "show", "abc");
  assert.equal(line.command.path.join(" "), "conversation show");
  assert.deepEqual(line.positionals, ["abc"]);
});

Deno.test("parseCommandLine gives every command the global tracing flags", () => {
  const line = run("version", "--tracing-enabled", "--tracing-sampler=ratio", "--tracing-ratio", "0.5");
  assert.deepEqual(line.flags, {
    "tracing-enabled": true,
    "tracing-sampler": "ratio",
    "tracing-ratio": "0.5",
  });
});

Deno.test("parseCommandLine reads --tracing-enabled=false and --no-tracing-enabled as false", () => {
  assert.equal(run("version", "--tracing-enabled=false").flags["tracing-enabled"], false);
  assert.equal(run("version", "--tracing-enabled=0").flags["tracing-enabled"], false);
  assert.equal(run("version", "--no-tracing-enabled").flags["tracing-enabled"], false);
  assert.equal(run("version", "--tracing-enabled=true").flags["tracing-enabled"], true);
});

Deno.test("parseCommandLine refuses --tracing-enabled with a value that is not a boolean", () => {
  assert.equal(
    usageError("version", "--tracing-enabled=maybe").message,
    'Invalid --tracing-enabled "maybe" (from the command line): must be true or false',
  );
});

Deno.test("parseCommandLine collects a repeated flag", () => {
  assert.deepEqual(run("run", "-i", "a.png", "--image", "b.png", "q").flags.image, ["a.png", "b.png"]);
});

Deno.test("parseCommandLine refuses an unknown command and names it", () => {
  assert.equal(
    usageError("bogus").message,
    'Unknown command "bogus" (from the command line): see "kodelet --help" for the commands',
  );
  assert.match(usageError("conversation", "bogus").message, /^Unknown command "conversation bogus"/);
});

Deno.test("parseCommandLine refuses an unknown flag and names it", () => {
  assert.equal(
    usageError("version", "--bogus").message,
    'Unknown flag "--bogus" (from the command line): see "kodelet version --help" for the flags',
  );
  assert.match(usageError("version", "-x").message, /^Unknown flag "-x"/);
});

Deno.test("parseCommandLine refuses a flag of another command", () => {
  assert.match(usageError("version", "--model", "m").message, /^Unknown flag "--model"/);
});

Deno.test("parseCommandLine refuses a string flag without its value", () => {
  assert.match(
    usageError("version", "--tracing-ratio").message,
    /^Invalid flag "--tracing-ratio" \(from the command line\)/,
  );
});

Deno.test("parseCommandLine refuses missing arguments and names the usage", () => {
  assert.equal(
    usageError("conversation", "show").message,
    'Missing arguments for "kodelet conversation show <id>": see "kodelet conversation show --help"',
  );
  assert.match(usageError("run").message, /^Missing arguments for "kodelet run <query\.\.\.>"/);
});

Deno.test("parseCommandLine refuses an argument too many and names it", () => {
  assert.equal(
    usageError("version", "extra").message,
    'Unexpected argument "extra" (from the command line) for "kodelet version"',
  );
});

Deno.test("parseCommandLine answers --help with the help of the command, even with bad arguments", () => {
  const help = parse("conversation", "show", "--help");
  assert.equal(help.kind, "help");
  assert.equal(help.kind === "help" ? help.command?.path.join(" ") : "", "conversation show");
  assert.deepEqual(parse("--help"), { kind: "help", command: undefined });
  assert.deepEqual(parse("-h", "bogus"), { kind: "help", command: undefined });
});

Deno.test("parseCommandLine refuses a flag value that looks like a flag, on one line", () => {
  assert.equal(
    usageError("version", "--tracing-ratio", "-0.5").message,
    'Invalid flag "--tracing-ratio" (from the command line): its value is missing or starts with "-" ' +
      '(write --tracing-ratio=VALUE for a value that starts with "-")',
  );
  // The usual cause: a flag given without its value, followed by another flag.
  assert.match(usageError("version", "--tracing-ratio", "--verbose").message, /its value is missing/);
});
