/** The local trace store's part in tracing: the `file` exporter and the spool (issue 5 fills these). */
import type { CommandIO } from "../cli/command.ts";
import type { Config } from "../config/mod.ts";
import type { Logger } from "../log.ts";
import type { TracingDeps } from "../telemetry/mod.ts";

/** What startTelemetry needs from the store and the terminal. */
export function tracingDeps(_config: Config, io: CommandIO, _log: Logger): TracingDeps {
  return { writeErr: (line) => io.stderr(line + "\n") };
}
