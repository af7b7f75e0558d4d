/**
 * The first five minutes (issue 12), end to end: running from source on behalf of another folder,
 * a fresh clone staying quiet, bare `kodelet` on a terminal, the task on stdin, and a failed
 * command shown as a failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startLlmServer } from "../support/llm_server.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { DENO_JSON, linesOf, REPO_ROOT, runDeno, runKodelet, tempDir } from "../support/run_kodelet.ts";
import { installFromSource } from "../support/readme.ts";
import { runInTerminal } from "../support/terminal.ts";

const KEY = "sk-ant-test-000000000000";

/** The text of everything a request sent, for looking up what reached the model. */
function sentText(body: Record<string, unknown>): string {
  return JSON.stringify(body.messages);
}

Deno.test("deno task dev started in another folder works there: bash pwd and file_read see that folder", async () => {
  const llm = await startLlmServer();
  await using work = await tempDir("kodelet-user-repo-");
  await Deno.writeTextFile(join(work.path, "note.txt"), "hello from the user's repository\n");
  try {
    llm.enqueue(
      {
        kind: "message",
        toolCalls: [
          { id: "t1", name: "bash", input: { command: "pwd" } },
          { id: "t2", name: "file_read", input: { path: "note.txt" } },
        ],
      },
      { kind: "message", text: "done" },
    );
    // As a user types it: `deno task --config ~/kodelet/deno.json dev run ...` from their repository.
    const result = await runDeno([
      "task",
      "--config",
      DENO_JSON,
      "dev",
      "run",
      "--allow",
      "bash(pwd)",
      "where am I?",
    ], {
      cwd: work.path,
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl },
    });
    assert.equal(result.code, 0, result.stderr);
    const second = sentText(llm.requests[1]?.body ?? {});
    assert.ok(second.includes(await Deno.realPath(work.path)), `pwd was not the user's folder: ${second}`);
    assert.ok(second.includes("hello from the user's repository"), second);
    assert.ok(!second.includes(REPO_ROOT), "nothing ran in kodelet's own checkout");
  } finally {
    await llm.close();
  }
});

Deno.test("the README's deno install --global line puts a kodelet on PATH that works in the user's folder", async () => {
  const llm = await startLlmServer();
  await using root = await tempDir("kodelet-install-root-");
  await using work = await tempDir("kodelet-user-repo-");
  try {
    const line = installFromSource()[1] ?? "";
    // As pasted in the checkout; DENO_INSTALL_ROOT keeps the test out of the real ~/.deno/bin.
    const installed = await new Deno.Command("sh", {
      args: ["-c", line],
      cwd: REPO_ROOT,
      env: { DENO_INSTALL_ROOT: root.path, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(installed.code, 0, new TextDecoder().decode(installed.stderr));
    llm.enqueue(
      { kind: "message", toolCalls: [{ id: "t1", name: "bash", input: { command: "pwd" } }] },
      { kind: "message", text: "done" },
    );
    const result = await new Deno.Command(join(root.path, "bin", "kodelet"), {
      args: ["run", "--allow", "bash(pwd)", "where am I?"],
      cwd: work.path,
      env: {
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        KODELET_BASE_PATH: join(work.path, ".kodelet"),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    assert.ok(sentText(llm.requests[1]?.body ?? {}).includes(await Deno.realPath(work.path)));
  } finally {
    await llm.close();
  }
});

Deno.test("a fresh clone is quiet after its first run: no registry downloads, even with a fresh HOME", async () => {
  await using clone = await tempDir("kodelet-clone-");
  for (const name of ["deno.json", "deno.lock", "main.ts"]) {
    await Deno.copyFile(join(REPO_ROOT, name), join(clone.path, name));
  }
  await new Deno.Command("cp", { args: ["-r", join(REPO_ROOT, "lib"), clone.path] }).output();
  const config = join(clone.path, "deno.json");
  // The first run, with the Deno cache of the machine (so that the test needs no network).
  const first = await runDeno(["task", "--config", config, "dev", "--version"], { cwd: clone.path });
  assert.equal(first.code, 0, first.stderr);
  // Later runs: a fresh HOME and Deno cache (as a new user, a container or a CI job has), and
  // commands that load every npm package kodelet has.
  await using freshCache = await tempDir("kodelet-deno-dir-");
  for (const args of [["--help"], ["conversation", "list"], ["run", "hi"]]) {
    const later = await runDeno(["task", "--config", config, "dev", ...args], {
      cwd: clone.path,
      env: {
        DENO_DIR: freshCache.path,
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
        KODELET_MAX_RETRIES: "0",
      },
    });
    assert.doesNotMatch(later.stderr, /Download|registry\.npmjs/, `${args.join(" ")}: ${later.stderr}`);
    assert.doesNotMatch(later.stderr, /internal error|Could not find/, later.stderr);
  }
});

Deno.test("bare kodelet on a terminal starts the interactive session (kodelet chat)", async () => {
  const receiver = await startOtlpReceiver();
  await using home = await tempDir();
  try {
    const result = await runInTerminal([], {
      input: "/exit\n",
      cwd: home.path,
      env: {
        ANTHROPIC_API_KEY: KEY,
        KODELET_BASE_PATH: `${home.path}/.kodelet`,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      },
    });
    assert.equal(result.code, 0, result.output);
    assert.doesNotMatch(result.output, /Usage: kodelet/);
    const [root] = await receiver.waitForSpans(1);
    assert.equal(root?.name, "cmd.chat");
  } finally {
    await receiver.close();
  }
});

Deno.test("kodelet help, bare kodelet under a pipe, and command groups print help with exit 0", async () => {
  for (const args of [[], ["help"], ["help", "run"], ["trace"], ["conversation"]]) {
    const result = await runKodelet(args);
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stdout, /^Usage: kodelet /m, args.join(" "));
    assert.equal(result.stderr, "");
  }
  assert.match((await runKodelet(["trace"])).stdout, /^ {2}trace show /m);
});

Deno.test("typos are usage errors with a suggestion; an unknown top-level flag is one too", async () => {
  const cases: [string[], string][] = [
    [["rn", "hi"], 'kodelet: Unknown command "rn" (from the command line): did you mean "run"?'],
    [
      ["run", "--modle", "x", "hi"],
      'kodelet: Unknown flag "--modle" (from the command line): did you mean "--model"?',
    ],
    [
      ["--bogus"],
      'kodelet: Unknown flag "--bogus" (from the command line): see "kodelet --help" for the flags',
    ],
  ];
  for (const [args, message] of cases) {
    const result = await runKodelet(args);
    assert.equal(result.code, 2, args.join(" "));
    assert.deepEqual(linesOf(result.stderr), [message]);
    assert.equal(result.stdout, "");
  }
});

Deno.test("the task can come on stdin, alone, with -, or as context after the arguments", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  const env = {
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    KODELET_BASE_PATH: `${home.path}/.kodelet`,
  };
  try {
    llm.enqueue(
      { kind: "message", text: "one" },
      { kind: "message", text: "two" },
      { kind: "message", text: "three" },
    );
    const piped = await runKodelet(["run"], { env, input: "what is 2+2?\n" });
    assert.equal(piped.code, 0, piped.stderr);
    const dash = await runKodelet(["run", "-"], { env, input: "# Prompt\nsummarise the file\n" });
    assert.equal(dash.code, 0, dash.stderr);
    const diff = "diff --git a/x b/x\n+added line\n";
    const context = await runKodelet(["run", "review", "this"], { env, input: diff });
    assert.equal(context.code, 0, context.stderr);
    const firstUserText = (index: number) => {
      const messages = llm.requests[index]?.body.messages as { content: { text?: string }[] | string }[];
      const content = messages[0]?.content;
      return typeof content === "string" ? content : content?.[0]?.text;
    };
    assert.equal(firstUserText(0), "what is 2+2?\n");
    assert.equal(firstUserText(1), "# Prompt\nsummarise the file\n");
    assert.equal(firstUserText(2), `review this\n\n<stdin>\n${diff.trimEnd()}\n</stdin>`);
  } finally {
    await llm.close();
  }
});

Deno.test("an empty task or binary stdin is a usage error and nothing is sent to the API", async () => {
  const llm = await startLlmServer();
  const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: llm.anthropicBaseUrl };
  try {
    const cases: [string[], string | undefined, RegExp][] = [
      [["run", ""], undefined, /^kodelet: Empty task \(from the command line\)/],
      [["run", "  "], undefined, /^kodelet: Empty task \(from the command line\)/],
      [["run"], undefined, /^kodelet: Missing the task \(from the command line\)/],
      [["run"], "\n  \n", /^kodelet: Empty task \(from stdin\)/],
      [
        ["run", "what is this"],
        "\x7fELF\u0002\u0001\u0000\u0000binary",
        /^kodelet: Binary input \(from stdin\)/,
      ],
      [["run"], "text\u0000", /^kodelet: Binary input \(from stdin\)/],
    ];
    for (const [args, input, message] of cases) {
      const result = await runKodelet(args, { env, ...(input === undefined ? {} : { input }) });
      assert.equal(result.code, 2, `${JSON.stringify(args)}: ${result.stderr}`);
      assert.equal(linesOf(result.stderr).length, 1, result.stderr);
      assert.match(result.stderr, message);
    }
    assert.equal(llm.requests.length, 0);
  } finally {
    await llm.close();
  }
});

Deno.test("a bash command that exits non-zero is shown as a failure with its exit code", async () => {
  const llm = await startLlmServer();
  await using home = await tempDir();
  try {
    llm.enqueue(
      {
        kind: "message",
        toolCalls: [
          { id: "t1", name: "bash", input: { command: "echo one; echo two; exit 3" } },
          { id: "t2", name: "bash", input: { command: "echo fine" } },
        ],
      },
      { kind: "message", text: "done" },
    );
    const result = await runKodelet(["run", "--allow", "bash(echo:*)", "--allow", "bash(exit 3)", "try it"], {
      env: {
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        KODELET_BASE_PATH: `${home.path}/.kodelet`,
      },
    });
    assert.equal(result.code, 0, result.stderr);
    const lines = linesOf(result.stderr);
    assert.ok(lines.includes("  ✗ bash: exit 3"), result.stderr);
    assert.ok(lines.includes("  ✓ bash: 1 line"), result.stderr);
    // The model still gets the output and the exit code as a result it can work with.
    assert.match(sentText(llm.requests[1]?.body ?? {}), /one\\ntwo\\nExit code: 3/);
  } finally {
    await llm.close();
  }
});
