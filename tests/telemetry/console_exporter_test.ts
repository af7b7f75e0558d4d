/** The console exporter: one readable line per span, on the writer it was given (stderr in the CLI). */
import assert from "node:assert/strict";
import { ConsoleLineExporter, formatSpanLine } from "../../lib/telemetry/console_exporter.ts";
import { makeSpans } from "./_spans.ts";

Deno.test("formatSpanLine shows name, status, ids and attributes on one line", async () => {
  const [span] = await makeSpans([{
    name: "cmd.version",
    attributes: { "command.name": "version", "args.count": 0 },
  }]);
  assert.ok(span);
  const { traceId, spanId } = span.spanContext();
  const line = formatSpanLine(span);
  assert.match(line, /^\[span\] cmd\.version \d+\.\dms UNSET /);
  assert.ok(line.includes(`trace=${traceId} span=${spanId} parent=-`));
  assert.ok(line.endsWith(' command.name="version" args.count=0'));
  assert.doesNotMatch(line, /\n/);
});

Deno.test("formatSpanLine quotes the error message of a failed span", async () => {
  const [span] = await makeSpans([{ error: "exit code 3" }]);
  assert.ok(span);
  assert.match(formatSpanLine(span), / ERROR "exit code 3" /);
});

Deno.test("ConsoleLineExporter writes one line per span", async () => {
  const spans = await makeSpans([{ name: "a" }, { name: "b" }]);
  const lines: string[] = [];
  let code = -1;
  new ConsoleLineExporter((line) => lines.push(line)).export(spans, (result) => (code = result.code));
  assert.equal(code, 0);
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? "", /^\[span\] a /);
});
