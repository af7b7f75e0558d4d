/**
 * A real second process for the store tests: writes batches of spans through the `file` exporter
 * into a store directory, and prints the ids it wrote as JSON on stdout.
 *
 *   writer_process.ts <storeDir> <batches> <spansPerBatch> <attributeBytes> [hang]
 *
 * WRITER_START_AT (ms since the epoch) makes it wait until then, so that two writers surely overlap;
 * it reports when its first and last batch were written.
 *
 * With "hang" it then starts one more line, writes only its first half, says HALF on stdout and waits
 * to be killed: the on-disk state of a process killed in the middle of a write.
 */
import { ExportResultCode } from "@opentelemetry/core";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { FileSpanExporter } from "../../lib/telemetry/file_exporter.ts";
import { makeTrace } from "./_spans.ts";

const [storeDir = "", batchesArg = "1", perBatchArg = "1", bytesArg = "0", mode = ""] = Deno.args;
const exporter = new FileSpanExporter({ storeDir, maxTraces: 1000, maxBytes: 1e12, retentionIntervalMs: 0 });
const written: string[] = [];
const filler = "x".repeat(Number(bytesArg));

const startAt = Number(Deno.env.get("WRITER_START_AT") ?? 0);
if (startAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
const firstAt = Date.now();

for (let batch = 0; batch < Number(batchesArg); batch++) {
  const spans = makeTrace(Number(perBatchArg), { "test.filler": filler, "test.batch": batch });
  await new Promise<void>((resolve, reject) =>
    exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) resolve();
      else reject(result.error);
    })
  );
  for (const span of spans) written.push(span.spanContext().spanId);
  // Let the other writer interleave with us.
  await new Promise((resolve) => setTimeout(resolve, 1));
}

const encoder = new TextEncoder();
if (mode === "hang") {
  const path = exporter.path;
  if (!path) throw new Error("nothing written yet");
  const line = JsonTraceSerializer.serializeRequest(makeTrace(3, { "test.filler": filler })) ??
    new Uint8Array();
  const file = await Deno.open(path, { append: true });
  await file.write(line.subarray(0, Math.floor(line.length / 2)));
  await Deno.stdout.write(encoder.encode(JSON.stringify({ path, written }) + "\nHALF\n"));
  await new Promise(() => setInterval(() => {}, 1000));
}
const lastAt = Date.now();
await exporter.shutdown();
await Deno.stdout.write(
  encoder.encode(JSON.stringify({ path: exporter.path, written, firstAt, lastAt }) + "\n"),
);
