/**
 * The local trace store on a real temporary directory: what the `file` exporter writes is read back,
 * retention by count and by bytes, two writer processes at once, and a writer killed mid-line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { FileSpanExporter } from "../../lib/telemetry/file_exporter.ts";
import { applyRetention } from "../../lib/telemetry/retention.ts";
import { findTrace, listRunFiles, loadTraces, readRunFile } from "../../lib/trace_store/store.ts";
import { makeSpan, makeTrace, randomHex } from "./_spans.ts";

const WRITER = fileURLToPath(new URL("./writer_process.ts", import.meta.url));
const DENO_JSON = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** `deno run` arguments for the writer process (see writer_process.ts for its own arguments). */
function writerArgs(...args: string[]): string[] {
  return ["run", "--allow-read", "--allow-write", "--allow-env", "--config", DENO_JSON, WRITER, ...args];
}

function exportTo(exporter: FileSpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(
      spans,
      (result) => (result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error)),
    )
  );
}

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kodelet-store-" });
  try {
    await fn(join(dir, "traces"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes one run file, as one finished kodelet process would. */
async function writeRun(
  storeDir: string,
  spans: ReadableSpan[],
  at: Date,
  limits = { maxTraces: 1000, maxBytes: 1e12 },
) {
  const exporter = new FileSpanExporter({ storeDir, ...limits, now: () => at, retentionIntervalMs: 0 });
  await exportTo(exporter, spans);
  await exporter.shutdown();
  return exporter.path ?? "";
}

Deno.test("file exporter writes one OTLP/JSON line per batch that the store reads back as traces", async () => {
  await withStore(async (storeDir) => {
    const traceId = randomHex(16);
    const root = makeSpan({ traceId, name: "cmd.run", attributes: { "command.name": "run" } });
    const child = makeSpan({ traceId, name: "chat m", parentSpanId: root.spanContext().spanId });
    const exporter = new FileSpanExporter({ storeDir, maxTraces: 10, maxBytes: 1e9 });
    await exportTo(exporter, [child]);
    await exportTo(exporter, [root]);
    await exporter.shutdown();

    const files = await listRunFiles(storeDir);
    assert.equal(files.length, 1);
    const text = await Deno.readTextFile(files[0]?.path ?? "");
    assert.equal(text.split("\n").length, 3, "two lines and the final newline");
    assert.ok(
      JSON.parse(text.split("\n")[0] ?? "").resourceSpans,
      "each line is an ExportTraceServiceRequest",
    );

    const { traces, warnings } = await loadTraces(storeDir);
    assert.deepEqual(warnings, []);
    assert.equal(traces.length, 1);
    assert.equal(traces[0]?.traceId, traceId);
    assert.deepEqual(traces[0]?.spans.map((span) => span.name).sort(), ["chat m", "cmd.run"]);
    assert.equal(
      traces[0]?.spans.find((span) => span.name === "chat m")?.parentSpanId,
      root.spanContext().spanId,
    );
  });
});

Deno.test("a store that does not exist yet reads as empty", async () => {
  await withStore(async (storeDir) => {
    assert.deepEqual(await loadTraces(storeDir), { traces: [], warnings: [] });
  });
});

Deno.test("findTrace takes last, a full id, or a unique prefix, and says when a prefix is ambiguous", async () => {
  await withStore(async (storeDir) => {
    await writeRun(storeDir, [makeSpan({ traceId: "aa" + randomHex(15), startMs: 1_000 })], new Date(1_000));
    await writeRun(storeDir, [makeSpan({ traceId: "ab" + randomHex(15), startMs: 2_000 })], new Date(2_000));
    await writeRun(storeDir, [makeSpan({ traceId: "ab" + randomHex(15), startMs: 3_000 })], new Date(3_000));
    const { traces } = await loadTraces(storeDir);
    const newest = traces[0];
    assert.ok(newest);
    assert.equal(newest.startNs, 3_000_000_000n, "newest first");
    assert.deepEqual(findTrace(traces, "last"), { kind: "found", trace: newest });
    assert.deepEqual(findTrace(traces, newest.traceId.toUpperCase()), { kind: "found", trace: newest });
    assert.equal(findTrace(traces, "aa").kind, "found");
    assert.equal(findTrace(traces, "ab").kind, "ambiguous");
    assert.equal(findTrace(traces, "ffff").kind, "missing");
    assert.equal(findTrace([], "last").kind, "missing");
  });
});

Deno.test("retention keeps the newest max_traces run files", async () => {
  await withStore(async (storeDir) => {
    const paths: string[] = [];
    for (let run = 0; run < 6; run++) {
      paths.push(await writeRun(storeDir, makeTrace(2), new Date(Date.UTC(2026, 0, 1, 0, run))));
    }
    // Retention runs after writing: the seventh run, limited to 3, leaves itself and the two before it.
    paths.push(
      await writeRun(storeDir, makeTrace(2), new Date(Date.UTC(2026, 0, 1, 0, 6)), {
        maxTraces: 3,
        maxBytes: 1e12,
      }),
    );
    const left = (await listRunFiles(storeDir)).map((file) => file.path);
    assert.deepEqual(left, paths.slice(4));
    assert.equal((await loadTraces(storeDir)).traces.length, 3);
  });
});

Deno.test("retention by bytes removes the oldest files until the store fits", async () => {
  await withStore(async (storeDir) => {
    const filler = "y".repeat(4000);
    for (let run = 0; run < 5; run++) {
      await writeRun(storeDir, makeTrace(1, { filler }), new Date(Date.UTC(2026, 0, 1, 0, run)));
    }
    const files = await listRunFiles(storeDir);
    const size = files[0]?.size ?? 0;
    assert.ok(size > 4000);
    const result = await applyRetention(storeDir, { maxTraces: 100, maxBytes: size * 2 + 10 });
    assert.equal(result.removed.length, 3);
    assert.deepEqual(
      (await listRunFiles(storeDir)).map((file) => file.name),
      files.slice(3).map((file) => file.name),
    );
    assert.ok(result.keptBytes <= size * 2 + 10);
  });
});

Deno.test("retention never removes a run file whose writer is still alive", async () => {
  await withStore(async (storeDir) => {
    const live = new FileSpanExporter({ storeDir, maxTraces: 1000, maxBytes: 1e12, now: () => new Date(0) });
    await exportTo(live, makeTrace(1));
    const older = await writeRun(storeDir, makeTrace(1), new Date(1_000_000));
    const newer = await writeRun(storeDir, makeTrace(1), new Date(2_000_000));
    const result = await applyRetention(storeDir, { maxTraces: 2, maxBytes: 1e12 });
    assert.deepEqual(result.removed, [older], "the oldest file is live, so the oldest finished one goes");
    assert.deepEqual((await listRunFiles(storeDir)).map((file) => file.path), [live.path, newer]);
    await live.shutdown();
    const after = await applyRetention(storeDir, { maxTraces: 1, maxBytes: 1e12 });
    assert.deepEqual(
      after.removed,
      [live.path],
      "once its writer is gone it is the oldest file like any other",
    );
  });
});

Deno.test("two writer processes at once: big lines never interleave and every span is stored once", async () => {
  await withStore(async (storeDir) => {
    // 5 spans with 20 kB each: lines of ~100 kB, far beyond what one atomic append guarantees.
    const startAt = String(Date.now() + 1500);
    const spawn = () =>
      new Deno.Command(Deno.execPath(), {
        args: writerArgs(storeDir, "40", "5", "20000"),
        env: { WRITER_START_AT: startAt },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const outputs = await Promise.all([spawn(), spawn()]);
    const written: string[] = [];
    const windows: { firstAt: number; lastAt: number }[] = [];
    for (const output of outputs) {
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const report = JSON.parse(new TextDecoder().decode(output.stdout)) as
        & { written: string[] }
        & { firstAt: number; lastAt: number };
      written.push(...report.written);
      windows.push(report);
    }
    assert.equal(written.length, 400);
    const [a, b] = windows;
    assert.ok(
      a && b && a.firstAt <= b.lastAt && b.firstAt <= a.lastAt,
      "the two writers ran at the same time",
    );

    const files = await listRunFiles(storeDir);
    assert.equal(files.length, 2, "one file per process");
    const { traces, warnings } = await loadTraces(storeDir);
    assert.deepEqual(warnings, []);
    const stored = traces.flatMap((trace) => trace.spans.map((span) => span.spanId));
    assert.deepEqual([...stored].sort(), [...written].sort());
    for (const file of files) {
      for (const line of (await Deno.readTextFile(file.path)).trimEnd().split("\n")) JSON.parse(line);
    }
  });
});

Deno.test("a writer killed mid-line leaves a truncated last line that is skipped with a warning", async () => {
  await withStore(async (storeDir) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: writerArgs(storeDir, "3", "2", "3000", "hang"),
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let output = "";
    while (!output.includes("HALF\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    const report = JSON.parse(output.split("\n")[0] ?? "") as { path: string; written: string[] };

    const { spans, warnings } = await readRunFile(report.path);
    assert.deepEqual(
      spans.map((span) => span.spanId).sort(),
      [...report.written].sort(),
      "the earlier lines are intact",
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /truncated last line in .*killed/);

    // The next process writes its own file, so the torn line is never followed by more data.
    await writeRun(storeDir, makeTrace(1), new Date());
    const loaded = await loadTraces(storeDir);
    assert.equal(loaded.traces.length, 4);
    assert.equal(loaded.warnings.length, 1);
  });
});

Deno.test("an unterminated last line of a live writer is not reported as damage", async () => {
  await withStore(async (storeDir) => {
    const live = new FileSpanExporter({ storeDir, maxTraces: 1000, maxBytes: 1e12 });
    await exportTo(live, makeTrace(1));
    const path = live.path ?? "";
    await Deno.writeTextFile(path, '{"resourceSpans":[', { append: true });
    assert.deepEqual((await readRunFile(path)).warnings, []);
    await live.shutdown();
    assert.equal((await readRunFile(path)).warnings.length, 1);
  });
});

Deno.test("an unreadable line in the middle is skipped with a warning and the rest is read", async () => {
  await withStore(async (storeDir) => {
    const path = await writeRun(storeDir, makeTrace(2), new Date());
    const good = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, good + "not json\n" + good);
    const { spans, warnings } = await readRunFile(path);
    assert.equal(spans.length, 4);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /line 2/);
  });
});
