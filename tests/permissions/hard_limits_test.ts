/**
 * The hard limits, in every mode (yolo included): writes outside the working directory and the
 * temp directory, web_fetch to loopback, link-local and private addresses, and catastrophic
 * commands. Only judged here: nothing destructive is run.
 */
import assert from "node:assert/strict";
import { isPrivateAddress, judge, type Judgement, parseCommand } from "../../lib/tools/permissions/mod.ts";
import { catastrophicReason } from "../../lib/tools/permissions/catastrophic.ts";
import { bash, context, places } from "./_judge.ts";

function limitOf(judgement: Judgement): string | undefined {
  return judgement.verdict === "deny" && judgement.source === "hard_limit" ? judgement.limit : undefined;
}

Deno.test("file changes outside the working directory and the temp directory are refused, even in yolo", async () => {
  await using where = await places();
  const yolo = context(where, "yolo", { allow: ["file_write", "file_edit(/**)"] });
  for (const path of [`${where.outside}/x.txt`, "../outside/x.txt", "/etc/passwd"]) {
    const judgement = await judge(
      { tool: "file_write", readOnly: false, input: { path, content: "" } },
      yolo,
    );
    assert.equal(limitOf(judgement), "outside_workdir", path);
    assert.match(judgement.verdict === "deny" ? judgement.message : "", /outside the working directory/);
  }
  const inside = await judge(
    { tool: "file_write", readOnly: false, input: { path: "a/b.txt", content: "" } },
    yolo,
  );
  assert.equal(inside.verdict, "allow");
  const temp = {
    tool: "file_edit",
    readOnly: false,
    input: { path: `${where.tmpDir}/t`, old_string: "a", new_string: "" },
  };
  assert.equal((await judge(temp, yolo)).verdict, "allow");
});

Deno.test("a symlink inside the working directory that points outside does not open a way out", async () => {
  await using where = await places();
  await Deno.symlink(where.outside, `${where.cwd}/link`);
  const judgement = await judge(
    { tool: "file_write", readOnly: false, input: { path: "link/new/file.txt", content: "" } },
    context(where, "yolo"),
  );
  assert.equal(limitOf(judgement), "outside_workdir");
});

Deno.test("bash redirections outside the allowed directories are refused; /dev/null and the temp dir are fine", async () => {
  await using where = await places();
  const yolo = context(where, "yolo");
  for (
    const command of [
      "echo x > ~/.bashrc",
      `echo x >> ${where.outside}/log`,
      "cat a &> /etc/motd",
      "{ ls; } > ../x",
    ]
  ) {
    assert.equal(limitOf(await judge(bash(command), yolo)), "outside_workdir", command);
  }
  for (
    const command of ["ls > out.txt 2>&1", "ls 2>/dev/null", `ls > ${where.tmpDir}/x`, "cat < /etc/hosts"]
  ) {
    assert.equal((await judge(bash(command), yolo)).verdict, "allow", command);
  }
});

Deno.test("catastrophic commands are refused in yolo, with sudo and friends too", async () => {
  await using where = await places();
  const yolo = context(where, "yolo", { allow: ["bash"] });
  const refused = [
    "rm -rf /",
    "rm -rf /*",
    "rm -fr ~",
    "rm -r -f ~/",
    'rm -rf "$HOME"',
    "rm -rf /home/tester",
    "sudo rm -rf --no-preserve-root /",
    "cd src && rm -Rf /usr",
    "echo ok; mkfs.ext4 /dev/sda1",
    "dd if=/dev/zero of=/dev/sda bs=1M",
    "cat image > /dev/nvme0n1",
    ":(){ :|:& };:",
    "bomb() { bomb | bomb & }; bomb",
    "chmod -R 777 /",
    "sudo chown -R nobody /etc",
    "env FOO=1 nice -n 5 rm -rf /",
  ];
  for (const command of refused) {
    const judgement = await judge(bash(command), yolo);
    assert.ok(limitOf(judgement) !== undefined, `${command} was not refused: ${JSON.stringify(judgement)}`);
  }
  const fine = [
    "rm -rf build",
    "rm -f /tmp/x",
    "echo 'rm -rf /'",
    "dd if=a of=b",
    "chmod -R 755 src",
    "rm -r ./node_modules",
  ];
  for (const command of fine) {
    const judgement = await judge(bash(command), yolo);
    assert.equal(limitOf(judgement), undefined, command);
  }
});

Deno.test("text the parser cannot read is still checked for catastrophic commands", async () => {
  const text = "rm -rf / 'unterminated";
  const parsed = await parseCommand(text);
  assert.equal(parsed.parsed, false);
  assert.ok(catastrophicReason(parsed, text, "/home/tester"));
  assert.equal(catastrophicReason(parsed, "echo 'unterminated", "/home/tester"), undefined);
});

Deno.test("web_fetch to loopback, link-local (cloud metadata) and private addresses is refused unless a rule names the host", async () => {
  await using where = await places();
  const hosts = { "intranet.example": ["10.1.2.3"], "rebind.example": ["93.184.215.14", "127.0.0.1"] };
  const yolo = context(where, "yolo", { allow: ["web_fetch"], hosts });
  const urls = [
    "http://127.0.0.1:8080/",
    "http://localhost/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://intranet.example/",
    "http://rebind.example/",
    "http://[::ffff:127.0.0.1]/",
  ];
  for (const url of urls) {
    const judgement = await judge({ tool: "web_fetch", readOnly: true, input: { url } }, yolo);
    assert.equal(limitOf(judgement), "private_network", url);
  }
  const named = context(where, "ask", { allow: ["web_fetch(domain:127.0.0.1)"] });
  const local = await judge(
    { tool: "web_fetch", readOnly: true, input: { url: "http://127.0.0.1:8080/" } },
    named,
  );
  assert.equal(local.verdict === "allow" ? local.source : local.verdict, "rule");
  const wildcard = context(where, "yolo", { allow: ["web_fetch(domain:*.example)"], hosts });
  const stillRefused = await judge({
    tool: "web_fetch",
    readOnly: true,
    input: { url: "http://intranet.example/" },
  }, wildcard);
  assert.equal(limitOf(stillRefused), "private_network", "a wildcard does not name the host");
  const publicUrl = await judge({
    tool: "web_fetch",
    readOnly: true,
    input: { url: "https://docs.deno.com/" },
  }, yolo);
  assert.equal(publicUrl.verdict, "allow");
});

Deno.test("isPrivateAddress knows the ranges", () => {
  for (
    const address of [
      "127.0.0.1",
      "10.0.0.1",
      "172.31.255.255",
      "192.168.0.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "0.0.0.0",
      "100.64.0.1",
    ]
  ) {
    assert.ok(isPrivateAddress(address), address);
  }
  for (const address of ["8.8.8.8", "172.32.0.1", "2606:4700::1111", "not-an-ip"]) {
    assert.ok(!isPrivateAddress(address), address);
  }
});
