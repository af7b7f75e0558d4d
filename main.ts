/**
 * kodelet's entry point: parse the command line, load the configuration, start tracing, run the
 * command in its root span, flush spans within a bounded time, and exit with the command's own code.
 * Only this file turns errors into output and exit codes.
 *
 * Everything but the version report is imported when main() runs, not at start-up: `--version`
 * then answers without evaluating a single npm module.
 */
import type { Redactor } from "./lib/telemetry/mod.ts";
import { versionReport } from "./lib/cli/version.ts";
import { exitCodeOf, UsageError, UserFacingError } from "./lib/errors.ts";
import type * as SafeText from "./lib/safe_text.ts";

/** One line for the user: usage and user-facing errors without a stack, bugs with one. */
function describeError(error: unknown, redact: Redactor, safe: typeof SafeText): string {
  if (error instanceof UsageError || error instanceof UserFacingError) {
    // Messages quote what the user or a server gave: one line, no escape sequences.
    return `kodelet: ${safe.escapeControl(redact(error.message))}`;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `kodelet: internal error: ${safe.stripTerminalControls(redact(text))}`;
}

async function main(argv: string[]): Promise<number> {
  const [
    {
      COMMANDS,
      commandHelp,
      logWriter,
      mainHelp,
      parseCommandLine,
      runInRootSpan,
      terminalIO,
      trustQuestion,
    },
    { environmentSecrets, homeDirectory, loadConfig, readEnvironment },
    { createLogger },
    { createRedactor, deliveryWarning, endOpenSpans, startTelemetry, tracingDeps },
    safe,
  ] = await Promise.all([
    import("./lib/cli/mod.ts"),
    import("./lib/config/mod.ts"),
    import("./lib/log.ts"),
    import("./lib/telemetry/mod.ts"),
    import("./lib/safe_text.ts"),
  ]);
  const env = readEnvironment();
  const io = terminalIO(env);
  // Credentials from the environment are known before the configuration is: a usage error that
  // echoes a mistyped argument must not print one either.
  let redact: Redactor = createRedactor(environmentSecrets(env));
  try {
    const line = parseCommandLine(argv, COMMANDS);
    if (line.kind === "help") {
      io.stdout(line.command ? commandHelp(line.command) : mainHelp(COMMANDS));
      return 0;
    }
    if (line.kind === "version") {
      io.stdout(versionReport());
      return 0;
    }
    const configFlags: Record<string, string | boolean> = {};
    for (const [name, value] of Object.entries(line.flags)) {
      if (!Array.isArray(value)) configFlags[name] = value;
    }
    // `kodelet trust` itself does not ask: it is how one answers.
    const askTrust = line.command.path[0] === "trust" ? undefined : trustQuestion(io);
    const config = await loadConfig({
      env,
      flags: configFlags,
      cwd: Deno.cwd(),
      home: homeDirectory(env),
      ...(askTrust ? { askTrust } : {}),
    });
    redact = createRedactor(config.secrets);
    const log = createLogger(config.log, logWriter(config.log.file, io), redact);
    for (const warning of config.warnings) log.warn(warning);

    const telemetry = await startTelemetry(
      config,
      tracingDeps(config, (line) => io.stderr(line + "\n"), log),
    );
    const controller = new AbortController();
    let interrupts = 0;
    const finish = async (code: number): Promise<number> => {
      const warning = deliveryWarning(await telemetry.shutdown());
      if (warning) io.stderr(warning + "\n");
      return code;
    };
    const onInterrupt = () => {
      interrupts++;
      if (interrupts === 1) {
        controller.abort(new DOMException("interrupted", "AbortError"));
        return;
      }
      // The user insists: end every open span as failed, flush within the bound, and go.
      endOpenSpans("interrupted");
      finish(130).then((code) => Deno.exit(code));
    };
    if (!line.command.handlesInterrupt) Deno.addSignalListener("SIGINT", onInterrupt);

    let code: number;
    try {
      code = await runInRootSpan(
        line.command,
        {
          config,
          args: { positionals: line.positionals, flags: line.flags },
          io,
          signal: controller.signal,
          log,
          redact,
        },
        telemetry.parentContext,
      );
    } catch (error) {
      io.stderr(describeError(error, redact, safe) + "\n");
      code = exitCodeOf(error);
    }
    if (!line.command.handlesInterrupt) Deno.removeSignalListener("SIGINT", onInterrupt);
    return await finish(code);
  } catch (error) {
    io.stderr(describeError(error, redact, safe) + "\n");
    return exitCodeOf(error);
  }
}

if (import.meta.main) {
  if (Deno.args.length === 1 && (Deno.args[0] === "--version" || Deno.args[0] === "-V")) {
    Deno.stdout.writeSync(new TextEncoder().encode(versionReport()));
    Deno.exit(0);
  }
  Deno.exit(await main(Deno.args));
}
