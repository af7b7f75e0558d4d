/**
 * What the OpenTelemetry SDK says about itself reaches kodelet's logger: at debug level, so --verbose
 * and a debug log file show it and a default run stays quiet. The runtime is started as main.ts
 * starts it; diag is a process-wide global, hence a file of its own.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/mod.ts";
import { createLogger, type LogFields, type Logger } from "../../lib/log.ts";
import { diagLoggerFor } from "../../lib/telemetry/diag.ts";
import { createRedactor, startTelemetry, withSpan } from "../../lib/telemetry/mod.ts";

function recordingLogger(): { log: Logger; lines: { level: string; message: string; fields: LogFields }[] } {
  const lines: { level: string; message: string; fields: LogFields }[] = [];
  const at = (level: string) => (message: string, fields: LogFields = {}) =>
    lines.push({ level, message, fields });
  return { log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

Deno.test("diagLoggerFor hands every SDK line to log.debug with the SDK's level and its details", () => {
  const { log, lines } = recordingLogger();
  const diag = diagLoggerFor(log);
  diag.error("export failed", new Error("connect ECONNREFUSED"), { code: 14 });
  diag.warn("plain");
  assert.deepEqual(lines, [
    {
      level: "debug",
      message: "OpenTelemetry: export failed",
      fields: { otel_level: "error", detail: 'connect ECONNREFUSED {"code":14}' },
    },
    { level: "debug", message: "OpenTelemetry: plain", fields: { otel_level: "warn" } },
  ]);
});

Deno.test("with tracing started, an SDK warning reaches the debug log and stays out of a warn-level log", async () => {
  const config = await loadConfig({
    env: { KODELET_TRACING_ENABLED: "true", KODELET_TRACING_EXPORTER: "console" },
    flags: {},
    cwd: "/nonexistent-kodelet-test-dir",
    home: "/nonexistent-kodelet-test-dir",
  });
  const debugLines: string[] = [];
  const warnLines: string[] = [];
  const redact = createRedactor([]);
  const debugLog = createLogger(
    { ...config.log, level: "debug", format: "text" },
    (l) => debugLines.push(l),
    redact,
  );
  const warnLog = createLogger(
    { ...config.log, level: "warn", format: "text" },
    (l) => warnLines.push(l),
    redact,
  );
  const both: Logger = {
    debug: (m, f) => (debugLog.debug(m, f), warnLog.debug(m, f)),
    info: (m, f) => (debugLog.info(m, f), warnLog.info(m, f)),
    warn: (m, f) => (debugLog.warn(m, f), warnLog.warn(m, f)),
    error: (m, f) => (debugLog.error(m, f), warnLog.error(m, f)),
  };
  const telemetry = await startTelemetry(config, { writeErr: () => {}, log: both });
  // The SDK refuses an attribute value of the wrong type and says so through diag.
  await withSpan("diag probe", (span) => span.setAttribute("bad", { nested: true } as unknown as string));
  await telemetry.shutdown();
  const sdkLines = debugLines.filter((line) => line.includes("OpenTelemetry: "));
  assert.ok(
    sdkLines.some((line) => /DEBUG OpenTelemetry: .*Invalid attribute value/i.test(line)),
    debugLines.join("\n"),
  );
  assert.deepEqual(warnLines.filter((line) => line.includes("OpenTelemetry: ")), []);
});
