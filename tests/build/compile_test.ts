/**
 * What `deno compile` needs of the program. The compile itself needs a runtime base (denort) that
 * is downloaded from Deno's release servers; where none is available the compile test is skipped
 * with the reason. The checks after it always run: the module graph must bundle (so every module,
 * including the dynamically imported ones, resolves without the file system of a source checkout),
 * and nothing may read files beside the source at run time.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLlmServer } from "../support/llm_server.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { linesOf, tempDir } from "../support/run_kodelet.ts";
import { assetName, bundle, compile, PERMISSIONS } from "../../scripts/build.ts";
import { sourceFiles } from "../support/source_files.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Where Deno keeps a downloaded denort, or the one DENORT_BIN names. */
async function denortAvailable(): Promise<string | undefined> {
  const explicit = Deno.env.get("DENORT_BIN");
  if (explicit) return explicit;
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  const denoDir = (JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir: string }).denoDir;
  const cached = join(denoDir, "dl", "release", `v${Deno.version.deno}`, `denort-${Deno.build.target}.zip`);
  try {
    await Deno.stat(cached);
    return cached;
  } catch {
    // Not cached. Tests reach no network beyond the package registries, so no download is tried here.
    return undefined;
  }
}

const denort = await denortAvailable();
if (!denort) {
  console.log(
    `compile_test: skipping the compiled-binary smoke test: deno compile needs denort-${Deno.build.target}.zip ` +
      `for Deno ${Deno.version.deno} from dl.deno.land, which tests do not download, and none is cached; ` +
      "set DENORT_BIN to a local denort binary to run it",
  );
}

Deno.test({
  name: "compiled binary prints its version and traces a run against the test servers",
  ignore: denort === undefined,
  async fn() {
    await using out = await tempDir("kodelet-dist-");
    const binary = await compile(Deno.build.target, out.path);
    assert.equal(binary, join(out.path, assetName(Deno.build.target)));
    const version = await new Deno.Command(binary, { args: ["--version"], stdout: "piped" }).output();
    assert.match(new TextDecoder().decode(version.stdout), /^kodelet \d+\.\d+\.\d+\ncommit: /);

    const llm = await startLlmServer();
    const receiver = await startOtlpReceiver();
    await using home = await tempDir();
    try {
      llm.enqueue(
        { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: "echo hi" } }] },
        {
          kind: "message",
          text: "compiled ok",
        },
      );
      const run = await new Deno.Command(binary, {
        args: ["run", "--no-save", "hello"],
        cwd: home.path,
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          HOME: home.path,
          ANTHROPIC_API_KEY: "sk-ant-test-compiled-000000",
          ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(run.stderr);
      assert.equal(run.code, 0, stderr);
      assert.match(new TextDecoder().decode(run.stdout), /compiled ok/);
      const spans = await receiver.waitForSpans(5);
      assert.ok(spans.some((span) => span.name === "execute_tool bash"));
      assert.ok(
        spans.some((span) =>
          span.name === "cmd.run" && span.attributes["process.executable.name"] !== "deno"
        ),
      );
    } finally {
      await llm.close();
      await receiver.close();
    }
  },
});

Deno.test("the bundle the binary is compiled from runs a traced agent run, and its background sender delivers", async () => {
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
  await using out = await tempDir("kodelet-bundle-");
  const entry = await bundle(out.path);
  const chunks = [...Deno.readDirSync(out.path)].length;
  assert.ok(chunks > 10, `code splitting keeps dynamic imports apart: ${chunks} files`);
  const llm = await startLlmServer();
  const receiver = await startOtlpReceiver();
  await using home = await tempDir();
  try {
    llm.enqueue(
      // A tool call too: its arguments are checked by the bundled schemas before bash runs.
      { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: "echo bundled" } }] },
      { kind: "message", text: "bundled ok" },
    );
    const run = await new Deno.Command(Deno.execPath(), {
      // --no-config: the bundle carries every package; nothing of the checkout is needed.
      args: ["run", "--no-config", ...PERMISSIONS, entry, "run", "--no-save", "--yolo", "hello"],
      cwd: home.path,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home.path,
        DENO_NO_UPDATE_CHECK: "1",
        ANTHROPIC_API_KEY: "sk-ant-test-bundled-000000",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, stderr);
    assert.match(new TextDecoder().decode(run.stdout), /bundled ok/);
    // Delivered after the exit by the detached sender, itself started from the bundle.
    const spans = await receiver.waitForSpans(5, 15_000);
    const names = spans.map((span) => span.name);
    assert.ok(names.includes("cmd.run") && names.includes("execute_tool bash"), names.join(", "));
    const tool = spans.find((span) => span.name === "execute_tool bash");
    assert.equal(tool?.attributes["process.exit.code"], 0);
  } finally {
    await llm.close();
    await receiver.close();
  }
});

/**
 * Files that use the module location only on a path a compiled binary never takes: the background
 * sender starts `deno run <main.ts>` when kodelet itself runs from source, and the binary otherwise.
 */
const FROM_SOURCE_ONLY = new Set(["lib/telemetry/background_sender.ts"]);

Deno.test("no program file reads files beside its source or imports a computed specifier", async () => {
  const files = [join(ROOT, "main.ts"), ...await sourceFiles(join(ROOT, "lib"))]
    .filter((file) => !FROM_SOURCE_ONLY.has(file.slice(ROOT.length)));
  const problems: string[] = [];
  for (const file of files) {
    const lines = linesOf(await Deno.readTextFile(file));
    lines.forEach((line, index) => {
      const where = `${file.slice(ROOT.length)}:${index + 1}`;
      if (/import\.meta\.(url|dirname|filename)|Deno\.mainModule/.test(line)) {
        problems.push(`${where}: run-time path from the module location: ${line.trim()}`);
      }
      const dynamic = /\bimport\(\s*([^)\s]+)/.exec(line);
      if (dynamic && !/^["']/.test(dynamic[1] ?? "")) {
        problems.push(`${where}: dynamic import of a computed specifier compile cannot see: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(problems, []);
});

Deno.test("no locked npm package runs install scripts or needs a native addon", async () => {
  const lock = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.lock"))) as {
    npm?: Record<string, { scripts?: boolean; bin?: boolean }>;
  };
  const withScripts = Object.entries(lock.npm ?? {}).filter(([, entry]) => entry.scripts === true).map((
    [name],
  ) => name);
  assert.deepEqual(withScripts, []);
  assert.ok(Object.keys(lock.npm ?? {}).length > 10, "the lock lists the npm packages");
});
