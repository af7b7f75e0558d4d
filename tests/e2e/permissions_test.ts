/**
 * Permissions end to end: `kodelet run` in a pipe (nobody can answer) reads but changes nothing no
 * rule allows, tells the model so, and records each decision on its execute_tool span; a yolo run
 * still cannot write outside the working directory; bad rules and modes are usage errors.
 */
import assert from "node:assert/strict";
import { type LlmServer, startLlmServer } from "../support/llm_server.ts";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../support/otlp_receiver.ts";
import { bwrapUnusable, pathWithOnlyBash } from "../support/bwrap.ts";
import { linesOf, runKodelet } from "../support/run_kodelet.ts";

interface Fixture {
  llm: LlmServer;
  receiver: OtlpReceiver;
  /** The working directory. */
  work: string;
  /** Outside the working directory and outside the temp directory kodelet is given. */
  outside: string;
  env: Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function fixture(): Promise<Fixture> {
  const llm = await startLlmServer();
  const receiver = await startOtlpReceiver();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-perm-e2e-" }));
  const [work, outside, tmp, base] = ["work", "outside", "tmp", "base"].map((name) => `${root}/${name}`);
  for (const dir of [work, outside, tmp, base]) await Deno.mkdir(dir as string);
  return {
    llm,
    receiver,
    work: work as string,
    outside: outside as string,
    env: {
      KODELET_BASE_PATH: base as string,
      // The temp directory where writes are allowed is this one, not the /tmp the test lives in.
      TMPDIR: tmp as string,
      ANTHROPIC_API_KEY: "sk-ant-test-perm-000000000",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    },
    async [Symbol.asyncDispose]() {
      await llm.close();
      await receiver.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

function toolSpans(spans: ReceivedSpan[]): Map<string, ReceivedSpan> {
  return new Map(
    spans.filter((span) => span.name.startsWith("execute_tool ")).map((span) => [
      String(span.attributes["gen_ai.tool.call.id"]),
      span,
    ]),
  );
}

/** The tool results the model got back in the request after the tool calls. */
function toolResults(llm: LlmServer, request = 1): Map<string, { content: string; isError: boolean }> {
  const messages = llm.requests[request]?.body.messages as { role: string; content: unknown }[];
  const blocks = messages.at(-1)?.content as {
    type: string;
    tool_use_id: string;
    content: unknown;
    is_error?: boolean;
  }[];
  return new Map(
    blocks.filter((block) => block.type === "tool_result").map((block) => [
      block.tool_use_id,
      { content: JSON.stringify(block.content), isError: block.is_error === true },
    ]),
  );
}

Deno.test("run in a pipe with no flags reads, but neither runs a command nor changes a file; the model is told how to allow it", async () => {
  await using f = await fixture();
  await Deno.writeTextFile(`${f.work}/app.py`, "print('app')\n");
  await Deno.writeTextFile(`${f.work}/main.py`, "print('main')\n");
  f.llm.enqueue(
    {
      kind: "message",
      text: "Cleaning up.",
      toolCalls: [
        { id: "t_rm", name: "bash", input: { command: "rm -f app.py" } },
        { id: "t_write", name: "file_write", input: { path: "main.py", content: "replaced\n" } },
        { id: "t_read", name: "file_read", input: { path: "main.py" } },
        { id: "t_touch", name: "bash", input: { command: "touch marker && echo done" } },
      ],
    },
    { kind: "message", text: "I could not change anything." },
  );
  const result = await runKodelet(["run", "tidy", "up"], { env: f.env, cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await Deno.readTextFile(`${f.work}/app.py`), "print('app')\n");
  assert.equal(await Deno.readTextFile(`${f.work}/main.py`), "print('main')\n");
  await assert.rejects(Deno.stat(`${f.work}/marker`), Deno.errors.NotFound);
  assert.match(
    result.stderr,
    /✗ bash: not_permitted: Not permitted: bash \(rm -f app\.py\) needs the user's approval/,
  );

  const results = toolResults(f.llm);
  assert.equal(results.get("t_read")?.isError, false);
  assert.match(results.get("t_read")?.content ?? "", /print\('main'\)/);
  for (const id of ["t_rm", "t_write", "t_touch"]) {
    assert.equal(results.get(id)?.isError, true, id);
    assert.match(
      results.get(id)?.content ?? "",
      /Not permitted: .* nobody can answer here \(no terminal\)/,
      id,
    );
  }
  assert.match(results.get("t_rm")?.content ?? "", /--allow 'bash\(rm -f app\.py\)'/);
  assert.match(results.get("t_write")?.content ?? "", /--allow 'file_write\(main\.py\)'/);

  const spans = toolSpans(await f.receiver.waitForSpans(7));
  for (const id of ["t_rm", "t_write", "t_touch"]) {
    const span = spans.get(id);
    assert.equal(span?.attributes["kodelet.tool.decision"], "deny", id);
    assert.equal(span?.attributes["kodelet.tool.decision.source"], "no_terminal", id);
    assert.equal(span?.status.code, 0, `${id}: a refusal is not an error of kodelet's`);
    assert.equal(span?.attributes["error.type"], undefined, id);
    assert.equal(span?.attributes["kodelet.tool.decision.rule"], undefined, id);
  }
  assert.equal(spans.get("t_read")?.attributes["kodelet.tool.decision"], "allow");
  assert.equal(spans.get("t_read")?.attributes["kodelet.tool.decision.source"], "mode");
  // The suggested rule quotes the command: content, so it stays out of the exported spans.
  const exported = f.receiver.rawBodies.map((body) => new TextDecoder().decode(body)).join("\n");
  assert.ok(!exported.includes("rm -f app.py"), "command text exported");
});

Deno.test("rules from flags and both config files allow and deny; each decision names its rule on the span", async () => {
  await using f = await fixture();
  // A project's config may add denials without being trusted; allow rules come from the user's own file.
  await Deno.writeTextFile(
    `${f.work}/kodelet-config.yaml`,
    "permissions:\n  deny:\n    - bash(git push:*)\n",
  );
  await Deno.writeTextFile(
    `${f.env.KODELET_BASE_PATH}/config.yaml`,
    "permissions:\n  allow: [file_edit(src/**)]\n",
  );
  await Deno.mkdir(`${f.work}/src`);
  await Deno.writeTextFile(`${f.work}/src/a.ts`, "let a = 1;\n");
  f.llm.enqueue(
    {
      kind: "message",
      toolCalls: [{ id: "t_read", name: "file_read", input: { path: "src/a.ts" } }],
    },
    {
      kind: "message",
      toolCalls: [
        { id: "t_test", name: "bash", input: { command: "cd src && echo tested > out.txt" } },
        { id: "t_push", name: "bash", input: { command: "echo ok && git push origin main" } },
        { id: "t_edit", name: "file_edit", input: { path: "src/a.ts", old_string: "1", new_string: "2" } },
      ],
    },
    { kind: "message", text: "Done." },
  );
  const result = await runKodelet(["run", "--yolo", "--allow", "bash(echo:*)", "go"], {
    env: f.env,
    cwd: f.work,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await Deno.readTextFile(`${f.work}/src/a.ts`), "let a = 2;\n");
  assert.equal(await Deno.readTextFile(`${f.work}/src/out.txt`), "tested\n");
  const results = toolResults(f.llm, 2);
  assert.match(
    results.get("t_push")?.content ?? "",
    new RegExp(
      `the rule \\\\"bash\\(git push:\\*\\)\\\\" \\(from ${f.work}/kodelet-config.yaml\\) denies this call`,
    ),
  );
  const spans = toolSpans(await f.receiver.waitForSpans(8));
  const decision = (id: string) => [
    spans.get(id)?.attributes["kodelet.tool.decision"],
    spans.get(id)?.attributes["kodelet.tool.decision.source"],
    spans.get(id)?.attributes["kodelet.tool.decision.rule"],
  ];
  assert.deepEqual(decision("t_test"), ["allow", "rule", "bash(echo:*)"]);
  assert.deepEqual(decision("t_push"), ["deny", "rule", "bash(git push:*)"], "deny beats yolo");
  assert.deepEqual(decision("t_edit"), ["allow", "rule", "file_edit(src/**)"]);
});

Deno.test("a yolo run cannot write outside the working directory: the files do not exist afterwards", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    {
      kind: "message",
      toolCalls: [
        { id: "t_write", name: "file_write", input: { path: `${f.outside}/marker-write`, content: "x" } },
        { id: "t_rel", name: "file_write", input: { path: "../outside/marker-rel", content: "x" } },
        { id: "t_redirect", name: "bash", input: { command: `echo x > ${f.outside}/marker-bash` } },
        { id: "t_rm", name: "bash", input: { command: "rm -rf ~" } },
        { id: "t_meta", name: "web_fetch", input: { url: "http://169.254.169.254/latest/meta-data/" } },
        { id: "t_tmp", name: "file_write", input: { path: `${f.env.TMPDIR}/scratch.txt`, content: "ok" } },
      ],
    },
    { kind: "message", text: "Tried." },
  );
  const result = await runKodelet(["run", "--yolo", "escape"], { env: f.env, cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual([...Deno.readDirSync(f.outside)], []);
  assert.equal(await Deno.readTextFile(`${f.env.TMPDIR}/scratch.txt`), "ok");
  const results = toolResults(f.llm);
  assert.match(
    results.get("t_write")?.content ?? "",
    /Refused by a hard limit: .*outside the working directory/,
  );
  assert.match(
    results.get("t_rm")?.content ?? "",
    /Refused by a hard limit: rm -r of the home directory is never run/,
  );
  assert.match(
    results.get("t_meta")?.content ?? "",
    /169\.254\.169\.254 is a loopback, link-local or private address/,
  );
  const spans = toolSpans(await f.receiver.waitForSpans(9));
  const limits = ["t_write", "t_rel", "t_redirect", "t_rm", "t_meta"].map((id) => [
    spans.get(id)?.attributes["kodelet.tool.decision.source"],
    spans.get(id)?.attributes["kodelet.tool.decision.limit"],
    spans.get(id)?.status.code,
  ]);
  assert.deepEqual(limits, [
    ["hard_limit", "outside_workdir", 0],
    ["hard_limit", "outside_workdir", 0],
    ["hard_limit", "outside_workdir", 0],
    ["hard_limit", "catastrophic_command", 0],
    ["hard_limit", "private_network", 0],
  ]);
  assert.equal(spans.get("t_tmp")?.attributes["kodelet.tool.decision.source"], "mode");
});

Deno.test("read-only mode offers the model only the read tools", async () => {
  await using f = await fixture();
  f.llm.enqueue({ kind: "message", text: "Looked." });
  const result = await runKodelet(["run", "--permission-mode", "read-only", "look"], {
    env: f.env,
    cwd: f.work,
  });
  assert.equal(result.code, 0, result.stderr);
  const tools = (f.llm.requests[0]?.body.tools as { name: string }[]).map((tool) => tool.name);
  assert.deepEqual(tools, [
    "file_read",
    "grep_tool",
    "glob_tool",
    "todo_read",
    "todo_write",
    "web_fetch",
    "subagent",
  ]);
});

Deno.test("a bad rule, mode or flag combination is a usage error naming it and its source", async () => {
  await using f = await fixture();
  const cases: [string[], string, string | undefined][] = [
    [
      ["run", "--allow", "bahs(ls)", "x"],
      'kodelet: Invalid permissions.allow rule "bahs(ls)" (from --allow): unknown tool "bahs"',
      undefined,
    ],
    [
      ["run", "x"],
      `kodelet: Invalid permissions.deny rule "web_fetch(evil.com)" (from ${f.work}/kodelet-config.yaml): ` +
      "web_fetch rules name a host: web_fetch(domain:example.com)",
      'permissions:\n  deny: ["web_fetch(evil.com)"]\n',
    ],
    [
      ["run", "--permission-mode", "careful", "x"],
      'kodelet: Invalid permissions.mode "careful" (from --permission-mode): must be one of ask, accept-edits, read-only, yolo',
      undefined,
    ],
    [
      ["run", "--permission-mode", "ask", "--yolo", "x"],
      'kodelet: Invalid --permission-mode "ask" (from the command line): --yolo asks for yolo mode; give one or the other',
      undefined,
    ],
  ];
  for (const [args, line, yaml] of cases) {
    if (yaml) await Deno.writeTextFile(`${f.work}/kodelet-config.yaml`, yaml);
    else await Deno.remove(`${f.work}/kodelet-config.yaml`).catch(() => {});
    const result = await runKodelet(args, { env: { ...f.env, OTEL_SDK_DISABLED: "true" }, cwd: f.work });
    assert.equal(result.code, 2, result.stderr);
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.ok(lines[0]?.startsWith(line), `${lines[0]}\n  does not start with\n${line}`);
  }
  assert.equal(f.llm.requests.length, 0);
});

Deno.test("an untrusted project's config cannot loosen permissions: its mode and allow rules are ignored", async () => {
  await using f = await fixture();
  await Deno.writeTextFile(`${f.work}/kodelet-config.yaml`, "permissions:\n  mode: yolo\n  allow: [bash]\n");
  f.llm.enqueue(
    { kind: "message", toolCalls: [{ id: "t_touch", name: "bash", input: { command: "touch marker" } }] },
    { kind: "message", text: "Refused." },
  );
  const result = await runKodelet(["run", "go"], { env: f.env, cwd: f.work });
  assert.equal(result.code, 0, result.stderr);
  await assert.rejects(Deno.stat(`${f.work}/marker`), Deno.errors.NotFound);
  assert.match(result.stderr, /Ignored permissions\.mode, permissions\.allow in .*kodelet-config\.yaml/);
  assert.match(result.stderr, /✗ bash: not_permitted/);
});

const noBwrap = await bwrapUnusable();
if (noBwrap) console.warn(`permissions_test: the --sandbox runs are skipped: ${noBwrap}`);

Deno.test(
  "a --sandbox yolo run: commands write in the working and temp dirs only, even through eval and scripts, and have no network",
  {
    ignore: noBwrap !== undefined,
  },
  async () => {
    await using f = await fixture();
    const port = new URL(f.llm.anthropicBaseUrl).port;
    // Inside bash -c: the hard limits take a visible redirection onto /dev/tcp for a device write.
    const connect = `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && ` +
      `printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && head -n 1 <&3'`;
    const call = (id: string, command: string) => ({ id, name: "bash", input: { command } });
    f.llm.enqueue(
      {
        kind: "message",
        toolCalls: [
          call("t_work", 'echo in > marker && echo tmp > "$TMPDIR/marker" && echo written'),
          // The static checks pass these (no redirection they can see): only the sandbox stops them.
          call("t_eval", `eval "echo x > ${f.outside}/marker-eval"`),
          call("t_touch", `touch ${f.outside}/marker-touch`),
          call("t_script", `printf 'echo x > ${f.outside}/marker-script\\n' > s.sh && bash s.sh`),
          call("t_net", connect),
        ],
      },
      { kind: "message", text: "Done." },
    );
    const result = await runKodelet(["run", "--yolo", "--sandbox", "go"], { env: f.env, cwd: f.work });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await Deno.readTextFile(`${f.work}/marker`), "in\n");
    assert.equal(await Deno.readTextFile(`${f.env.TMPDIR}/marker`), "tmp\n");
    assert.deepEqual([...Deno.readDirSync(f.outside)], []);
    const results = toolResults(f.llm);
    assert.match(results.get("t_work")?.content ?? "", /written/);
    for (const id of ["t_eval", "t_touch", "t_script"]) {
      assert.match(results.get(id)?.content ?? "", /Read-only file system/, id);
    }
    assert.match(results.get("t_net")?.content ?? "", /Connection refused|Network is unreachable/);
    assert.doesNotMatch(results.get("t_net")?.content ?? "", /HTTP\/1/);
    const spans = toolSpans(await f.receiver.waitForSpans(8));
    for (const id of ["t_work", "t_eval", "t_touch", "t_script", "t_net"]) {
      assert.equal(spans.get(id)?.attributes["kodelet.tool.sandbox"], "bwrap", id);
    }

    // The same call with the network allowed (from the environment this time) reaches the server.
    f.llm.enqueue(
      { kind: "message", toolCalls: [call("t_net_on", connect)] },
      { kind: "message", text: "Done." },
    );
    const online = await runKodelet(["run", "--yolo", "go"], {
      env: { ...f.env, KODELET_PERMISSIONS_SANDBOX: "true", KODELET_PERMISSIONS_SANDBOX_NETWORK: "true" },
      cwd: f.work,
    });
    assert.equal(online.code, 0, online.stderr);
    assert.match(toolResults(f.llm, 3).get("t_net_on")?.content ?? "", /HTTP\/1\.[01] \d{3}/);
  },
);

Deno.test("--sandbox without bwrap on PATH: one warning line, and every bash call is refused, not run unsandboxed", async () => {
  await using f = await fixture();
  // A PATH with bash and nothing else.
  const bin = await pathWithOnlyBash(`${f.work}/../bin`);
  f.llm.enqueue(
    {
      kind: "message",
      toolCalls: [
        { id: "t_one", name: "bash", input: { command: "touch marker-one" } },
        { id: "t_two", name: "bash", input: { command: "touch marker-two" } },
      ],
    },
    { kind: "message", text: "Could not run them." },
  );
  const result = await runKodelet(["run", "--yolo", "--sandbox", "go"], {
    env: { ...f.env, PATH: bin },
    cwd: f.work,
  });
  assert.equal(result.code, 0, result.stderr);
  const warnings = linesOf(result.stderr).filter((line) =>
    line.startsWith("kodelet: warning: permissions.sandbox")
  );
  assert.deepEqual(warnings, [
    "kodelet: warning: permissions.sandbox is on, but bwrap (bubblewrap) is not on PATH: bash commands are " +
    "refused (install bubblewrap, or turn the sandbox off with --no-sandbox)",
  ]);
  for (const name of ["marker-one", "marker-two"]) {
    await assert.rejects(Deno.stat(`${f.work}/${name}`), Deno.errors.NotFound, name);
  }
  // The model was told its commands run in a sandbox (so a refusal or a read-only file is no surprise).
  const system = JSON.stringify(f.llm.requests[0]?.body.system);
  assert.match(system, /Sandbox: bash commands run in a sandbox .* and there is no network\./);
  const results = toolResults(f.llm);
  for (const id of ["t_one", "t_two"]) {
    assert.equal(results.get(id)?.isError, true, id);
    assert.match(results.get(id)?.content ?? "", /bwrap \(bubblewrap\) is not on PATH/, id);
    assert.match(results.get(id)?.content ?? "", /install bubblewrap .* or turn the sandbox off/, id);
  }
  const spans = toolSpans(await f.receiver.waitForSpans(5));
  for (const id of ["t_one", "t_two"]) {
    assert.equal(spans.get(id)?.attributes["kodelet.tool.sandbox"], "unavailable", id);
    assert.equal(spans.get(id)?.attributes["error.type"], "sandbox_unavailable", id);
  }
});
