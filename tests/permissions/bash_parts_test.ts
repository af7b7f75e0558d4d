/**
 * The plain-command shortcut must read a command exactly as mvdan/sh's grammar does, or a rule could
 * match differently depending on which reader ran.
 */
import assert from "node:assert/strict";
import { parseWithGrammar, plainCommand } from "../../lib/tools/permissions/bash_parts.ts";

Deno.test("plain commands read without the grammar give what the grammar gives", async () => {
  const commands = [
    "echo hi",
    "git status",
    "  ls   -la src/  ",
    "npm test -- --watch",
    "cd src",
    "cd src/app extra",
    "rm -rf /",
    "rm -r ./node_modules",
    "curl https://example.com:8443/a/b,c+d@e%20f",
    "chmod -R 777 /",
    "deno task test",
  ];
  for (const command of commands) {
    const plain = plainCommand(command);
    assert.ok(plain, `${command} is plain`);
    assert.deepEqual(plain, await parseWithGrammar(command), command);
  }
});

Deno.test("anything with shell syntax goes to the grammar", () => {
  const commands = [
    "",
    "   ",
    "a && b",
    "a; b",
    "a | b",
    "echo $(id)",
    "echo `id`",
    "echo $HOME",
    "echo 'quoted'",
    'echo "quoted"',
    "echo hi > out.txt",
    "FOO=bar cmd",
    "dd of=/dev/sda",
    "ls *.ts",
    "ls ~",
    "echo hi # comment",
    "echo hi\nrm x",
    "echo hi\trm",
    "export A",
    "local a",
    "declare -x A",
    "let a",
    "time ls",
    "if true",
    "for x",
    "f(){ f|f& };f",
    "(ls)",
    "{ ls; }",
    "echo a\\ b",
  ];
  for (const command of commands) assert.equal(plainCommand(command), undefined, JSON.stringify(command));
});
