import assert from "node:assert/strict";
import { KODELET } from "../../lib/telemetry/attributes.ts";
import { fileReadTool, MAX_LINE_CHARS } from "../../lib/tools/file_read.ts";
import { errorOf, outputOf, tempDir, testContext } from "./_context.ts";

const lines = (count: number, make: (n: number) => string = (n) => `line ${n}`) =>
  Array.from({ length: count }, (_, i) => make(i + 1)).join("\n") + "\n";

Deno.test("file_read returns lines with line numbers and records the read and its figures", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/a.txt`, "alpha\r\nbeta\n\tgamma");
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(await fileReadTool.execute({ path: "a.txt" }, ctx));
  assert.equal(output, "1\talpha\n2\tbeta\n3\t\tgamma");
  const info = await Deno.stat(`${tmp.dir}/a.txt`);
  assert.deepEqual(ctx.files.lastRead(`${tmp.dir}/a.txt`), {
    mtimeMs: info.mtime?.getTime(),
    size: info.size,
  });
  assert.equal(recorded[KODELET.BYTES_READ], info.size);
  assert.equal(recorded[KODELET.LINES_RETURNED], 3);
});

Deno.test("file_read returns a line range from offset and says where to read on", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/b.txt`, lines(100));
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(
    await fileReadTool.execute({ path: `${tmp.dir}/b.txt`, offset: 10, limit: 3 }, ctx),
  );
  assert.equal(
    output,
    "10\tline 10\n11\tline 11\n12\tline 12\n[truncated: showing lines 10-12; line limit reached. Call file_read with offset=13 to read on.]",
  );
  assert.equal(recorded[KODELET.LINES_RETURNED], 3);
  const tail = outputOf(await fileReadTool.execute({ path: "b.txt", offset: 99 }, ctx));
  assert.equal(tail, " 99\tline 99\n100\tline 100");
});

Deno.test("file_read stops at the byte cap with a clear truncated notice", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/big.txt`, lines(5000, (n) => `${n} ${"x".repeat(100)}`));
  const { ctx, recorded } = testContext(tmp.dir);
  const output = outputOf(await fileReadTool.execute({ path: "big.txt" }, ctx));
  const notice =
    /\[truncated: showing lines 1-(\d+); output reached the 48 KiB cap\. Call file_read with offset=(\d+) to read on\.\]$/
      .exec(output);
  assert.ok(notice, output.slice(-300));
  assert.equal(Number(notice[2]), Number(notice[1]) + 1);
  assert.ok(new TextEncoder().encode(output).length <= 48 * 1024 + 200);
  assert.ok((recorded[KODELET.BYTES_READ] as number) < 200_000, "a capped read does not read the whole file");
});

Deno.test("file_read cuts very long lines", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/min.js`, "y".repeat(MAX_LINE_CHARS * 3));
  const { ctx } = testContext(tmp.dir);
  const output = outputOf(await fileReadTool.execute({ path: "min.js" }, ctx));
  assert.match(
    output,
    new RegExp(`^1\\ty{${MAX_LINE_CHARS}}… \\[line cut at ${MAX_LINE_CHARS} characters\\]$`),
  );
});

Deno.test("file_read refuses binary files: NUL bytes or invalid UTF-8", async () => {
  await using tmp = await tempDir();
  await Deno.writeFile(`${tmp.dir}/nul.bin`, new Uint8Array([104, 105, 0, 1, 2]));
  await Deno.writeFile(`${tmp.dir}/latin1.txt`, new Uint8Array([99, 97, 102, 0xe9, 10]));
  const { ctx } = testContext(tmp.dir);
  for (const path of ["nul.bin", "latin1.txt"]) {
    const error = errorOf(await fileReadTool.execute({ path }, ctx));
    assert.equal(error.kind, "binary_file");
    assert.match(error.message, /binary/);
    assert.equal(ctx.files.lastRead(`${tmp.dir}/${path}`), undefined);
  }
});

Deno.test("file_read accepts UTF-8 text whose 8 KiB sample ends inside a character", async () => {
  await using tmp = await tempDir();
  // 8191 ASCII bytes (short lines), then a 2-byte character straddling the 8 KiB boundary.
  await Deno.writeTextFile(`${tmp.dir}/u.txt`, "abcdefg\n".repeat(1023) + "abcdefg" + "é and more\n");
  const { ctx } = testContext(tmp.dir);
  assert.match(outputOf(await fileReadTool.execute({ path: "u.txt" }, ctx)), /é and more$/);
});

Deno.test("file_read refuses directories and missing files with a reason", async () => {
  await using tmp = await tempDir();
  await Deno.mkdir(`${tmp.dir}/sub`);
  const { ctx } = testContext(tmp.dir);
  const dir = errorOf(await fileReadTool.execute({ path: "sub" }, ctx));
  assert.equal(dir.kind, "is_directory");
  assert.match(dir.message, /glob_tool/);
  assert.equal(errorOf(await fileReadTool.execute({ path: "nope.txt" }, ctx)).kind, "not_found");
});

Deno.test("file_read reports an offset past the end and an empty file", async () => {
  await using tmp = await tempDir();
  await Deno.writeTextFile(`${tmp.dir}/short.txt`, "one\ntwo\n");
  await Deno.writeTextFile(`${tmp.dir}/empty.txt`, "");
  const { ctx } = testContext(tmp.dir);
  const error = errorOf(await fileReadTool.execute({ path: "short.txt", offset: 5 }, ctx));
  assert.equal(error.kind, "out_of_range");
  assert.match(error.message, /has 2 lines/);
  assert.equal(outputOf(await fileReadTool.execute({ path: "empty.txt" }, ctx)), "(empty.txt is empty)");
});
