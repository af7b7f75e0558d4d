/**
 * What a newcomer types first (issue 12): bare `kodelet`, `kodelet help ...`, command groups, and
 * typos in commands, flags and configuration keys.
 */
import assert from "node:assert/strict";
import { groupHelp } from "../../lib/cli/help.ts";
import { parseCommandLine } from "../../lib/cli/parse.ts";
import { taskWorkingDirectory } from "../../lib/cli/task_cwd.ts";
import { UsageError } from "../../lib/errors.ts";
import { nearest } from "../../lib/suggest.ts";
import { loadFromFiles } from "../config/_load.ts";
import { fakeCommand, TABLE } from "./_commands.ts";

const WITH_CHAT = [
  ...TABLE,
  fakeCommand(["chat"], { flags: [{ name: "model", type: "string", description: "model" }] }),
  fakeCommand(["trace", "list"]),
  fakeCommand(["trace", "show"], { usage: "[ID]", args: { min: 0, max: 1 } }),
];

function usageMessage(argv: string[], interactive = false): string {
  try {
    parseCommandLine(argv, WITH_CHAT, { interactive });
  } catch (error) {
    assert.ok(error instanceof UsageError, `not a UsageError: ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail(`parsed without error: ${argv.join(" ")}`);
}

Deno.test("bare kodelet on a terminal runs the chat command, with its flags", () => {
  const line = parseCommandLine([], WITH_CHAT, { interactive: true });
  assert.equal(line.kind, "run");
  assert.equal(line.kind === "run" ? line.command.path.join(" ") : "", "chat");
  const withFlag = parseCommandLine(["--model", "m2"], WITH_CHAT, { interactive: true });
  assert.deepEqual(withFlag.kind === "run" ? withFlag.flags : {}, { model: "m2" });
});

Deno.test("bare kodelet without a terminal, and kodelet --help on one, print the main help", () => {
  assert.deepEqual(parseCommandLine([], WITH_CHAT, { interactive: false }), {
    kind: "help",
    command: undefined,
  });
  assert.deepEqual(parseCommandLine(["--help"], WITH_CHAT, { interactive: true }), {
    kind: "help",
    command: undefined,
  });
});

Deno.test("kodelet help [command] is the help of that command, of a group, or the main help", () => {
  assert.deepEqual(parseCommandLine(["help"], WITH_CHAT), { kind: "help", command: undefined });
  const run = parseCommandLine(["help", "run"], WITH_CHAT);
  assert.equal(run.kind === "help" ? run.command?.path.join(" ") : "", "run");
  const show = parseCommandLine(["help", "conversation", "show"], WITH_CHAT);
  assert.equal(show.kind === "help" ? show.command?.path.join(" ") : "", "conversation show");
  assert.deepEqual(parseCommandLine(["help", "trace"], WITH_CHAT), {
    kind: "help",
    command: undefined,
    group: "trace",
  });
  assert.equal(
    usageMessage(["help", "rn"]),
    'Unknown command "rn" (from the command line): did you mean "run"?',
  );
});

Deno.test("a group alone (kodelet trace) lists its sub-commands instead of failing", () => {
  for (const argv of [["trace"], ["conversation"], ["trace", "--help"]]) {
    const line = parseCommandLine(argv, WITH_CHAT);
    assert.equal(line.kind === "help" ? line.group : undefined, argv[0]);
  }
  const help = groupHelp("trace", WITH_CHAT);
  assert.match(help, /^Usage: kodelet trace <command>/);
  assert.match(help, /^ {2}trace list\s+the trace list command$/m);
  assert.match(help, /^ {2}trace show \[ID\]\s+the trace show command$/m);
  assert.doesNotMatch(help, /conversation/);
});

Deno.test("a mistyped command gets the nearest command as a suggestion", () => {
  assert.equal(
    usageMessage(["rn", "hi"]),
    'Unknown command "rn" (from the command line): did you mean "run"?',
  );
  assert.equal(
    usageMessage(["conversation", "lst"]),
    'Unknown command "conversation lst" (from the command line): did you mean "conversation list"?',
  );
  assert.equal(
    usageMessage(["trce"]),
    'Unknown command "trce" (from the command line): did you mean "trace"?',
  );
  // Nothing near: the pointer to the help, no wild guess.
  assert.equal(
    usageMessage(["xyz"]),
    'Unknown command "xyz" (from the command line): see "kodelet --help" for the commands',
  );
});

Deno.test("a mistyped flag gets the nearest flag of that command as a suggestion", () => {
  assert.equal(
    usageMessage(["run", "--modle", "m", "hi"]),
    'Unknown flag "--modle" (from the command line): did you mean "--model"?',
  );
  assert.equal(
    usageMessage(["version", "--tracing-enabeld"]),
    'Unknown flag "--tracing-enabeld" (from the command line): did you mean "--tracing-enabled"?',
  );
});

Deno.test("an unknown top-level flag is a usage error, not the help", () => {
  assert.equal(
    usageMessage(["--bogus"]),
    'Unknown flag "--bogus" (from the command line): see "kodelet --help" for the flags',
  );
  assert.equal(
    usageMessage(["--bogus"], true),
    'Unknown flag "--bogus" (from the command line): see "kodelet chat --help" for the flags',
  );
});

Deno.test("nearest suggests only names close enough to be a typo", () => {
  assert.equal(nearest("rn", ["run", "chat"]), "run");
  assert.equal(nearest("CHTA", ["run", "chat"]), "chat");
  assert.equal(nearest("deploy", ["run", "chat"]), undefined);
  assert.equal(nearest("", ["run"]), undefined);
});

Deno.test("a misspelled key in a config file is a warning that names the key it probably meant", async () => {
  const config = await loadFromFiles({ localYaml: "tracing:\n  enabeld: true\nmodle: x\nzzz: 1\n" });
  assert.equal(config.warnings.length, 3);
  assert.match(
    config.warnings[0] ?? "",
    /Unknown key "tracing\.enabeld" in .*: did you mean "tracing\.enabled"\?$/,
  );
  assert.match(config.warnings[1] ?? "", /Unknown key "modle" in .*: did you mean "model"\?$/);
  assert.match(config.warnings[2] ?? "", /Unknown key "zzz" in .*kodelet-config\.yaml \(ignored\)$/);
});

Deno.test("the dev task's INIT_CWD is followed; INIT_CWD from anyone else's task is not", () => {
  const checkout = "/home/me/kodelet";
  assert.equal(
    taskWorkingDirectory({ KODELET_DEV_TASK: "1", INIT_CWD: "/home/me/project" }, checkout),
    "/home/me/project",
  );
  assert.equal(taskWorkingDirectory({ INIT_CWD: "/home/me/project" }, checkout), undefined);
  assert.equal(taskWorkingDirectory({ KODELET_DEV_TASK: "1", INIT_CWD: checkout }, checkout), undefined);
  assert.equal(taskWorkingDirectory({ KODELET_DEV_TASK: "1" }, checkout), undefined);
});
