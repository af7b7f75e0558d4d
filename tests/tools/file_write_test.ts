import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { KODELET } from "../../lib/telemetry/attributes.ts";
import { fileWriteTool } from "../../lib/tools/file_write.ts";
import { errorOf, outputOf, tempDir, testContext } from "./_context.ts";

Deno.test("file_write creates a file and its missing parent directories", async () => {
  await using tmp = await tempDir();
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(await fileWriteTool.execute({ path: "a/b/c.txt", content: "one\ntwo\n" }, ctx));
  assert.equal(output, "Created a/b/c.txt (8 bytes, 2 lines).");
  assert.equal(await Deno.readTextFile(`${tmp.dir}/a/b/c.txt`), "one\ntwo\n");
  assert.equal(recorded[KODELET.BYTES_BEFORE], 0);
  assert.equal(recorded[KODELET.BYTES_AFTER], 8);
  const info = await Deno.stat(`${tmp.dir}/a/b/c.txt`);
  assert.deepEqual(ctx.files.lastRead(`${tmp.dir}/a/b/c.txt`), { mtimeMs: info.mtime?.getTime(), size: 8 });
});

Deno.test("file_write replaces a file keeping its mode and leaves no temp file", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/run.sh`;
  await Deno.writeTextFile(path, "#!/bin/sh\necho old\n");
  await Deno.chmod(path, 0o751);
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(
    await fileWriteTool.execute({ path: "run.sh", content: "#!/bin/sh\necho new\n" }, ctx),
  );
  assert.match(output, /^Overwrote run\.sh/);
  assert.equal(await Deno.readTextFile(path), "#!/bin/sh\necho new\n");
  assert.equal((await Deno.stat(path)).mode! & 0o7777, 0o751);
  assert.equal(recorded[KODELET.BYTES_BEFORE], 19);
  const names = [];
  for await (const entry of Deno.readDir(tmp.dir)) names.push(entry.name);
  assert.deepEqual(names, ["run.sh"]);
});

Deno.test("file_write writes through a symlink to its target", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/real.txt`, "old");
  await Deno.symlink(`${tmp.dir}/real.txt`, `${tmp.dir}/link.txt`);
  const { ctx } = testContext(tmp.dir);
  outputOf(await fileWriteTool.execute({ path: "link.txt", content: "new" }, ctx));
  assert.ok((await Deno.lstat(`${tmp.dir}/link.txt`)).isSymlink);
  assert.equal(await Deno.readTextFile(`${tmp.dir}/real.txt`), "new");
});

Deno.test("file_write refuses a directory path", async () => {
  await using tmp = await tempDir();
  await Deno.mkdir(`${tmp.dir}/d`);
  const { ctx } = testContext(tmp.dir);
  assert.equal(errorOf(await fileWriteTool.execute({ path: "d", content: "x" }, ctx)).kind, "is_directory");
});

/** Whether the bytes are `length` copies of one byte. */
function isUniform(bytes: Uint8Array, byte: number, length: number): boolean {
  if (bytes.length !== length) return false;
  for (const value of bytes) if (value !== byte) return false;
  return true;
}

Deno.test("file_write killed mid-write leaves either the old or the new file, never a mix", async () => {
  await using tmp = await tempDir();
  const size = 4 * 1024 * 1024;
  const script = fileURLToPath(new URL("./_write_loop.ts", import.meta.url));
  for (const delayMs of [0, 7, 23, 41, 60]) {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        script,
        tmp.dir,
        "target.txt",
        String(size),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    assert.equal(first.value?.trim(), "ready");
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill("SIGKILL");
    await reader.cancel();
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");
    const bytes = await Deno.readFile(`${tmp.dir}/target.txt`);
    assert.ok(
      isUniform(bytes, 97, size) || isUniform(bytes, 98, size + 1),
      `after a kill at ${delayMs} ms the file is whole (${bytes.length} bytes)`,
    );
  }
});
