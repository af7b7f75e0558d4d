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

/** Moves into the folder the user started kodelet from (through `deno task dev`). */
function enterDirectory(path: string, source: string): void {
  try {
    Deno.chdir(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Invalid ${source} "${path}": cannot work in that folder (${reason})`);
  }
}

/**
 * From source with "nodeModulesDir": "manual", a checkout whose packages were never installed fails
 * on the first npm import with a long message; say in one line what to do instead.
 */
function notInstalled(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (!/in the node_modules directory/.test(message)) throw error;
  throw new UserFacingError('The npm packages are not installed: run "deno install" in kodelet\'s checkout');
}

async function main(argv: string[]): Promise<number> {
  const [
    {
      COMMANDS,
      commandHelp,
      groupHelp,
      logWriter,
      mainHelp,
      parseCommandLine,
      runInRootSpan,
      taskWorkingDirectory,
      terminalIO,
      trustQuestion,
      handleSignals,
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
  ]).catch(notInstalled);
  const env = readEnvironment();
  const io = terminalIO(env);
  const workIn = taskWorkingDirectory(env, Deno.cwd());
  // Credentials from the environment are known before the configuration is: a usage error that
  // echoes a mistyped argument must not print one either.
  let redact: Redactor = createRedactor(environmentSecrets(env));
  try {
    if (workIn !== undefined) enterDirectory(workIn, "INIT_CWD");
    const line = parseCommandLine(argv, COMMANDS, { interactive: io.stdinIsTerminal === true });
    if (line.kind === "help") {
      io.stdout(
        line.command
          ? commandHelp(line.command)
          : line.group
          ? groupHelp(line.group, COMMANDS)
          : mainHelp(COMMANDS),
      );
      return 0;
    }
    if (line.kind === "version") {
      io.stdout(versionReport());
      return 0;
    }
    // `kodelet trust` itself does not ask: it is how one answers.
    const askTrust = line.command.path[0] === "trust" ? undefined : trustQuestion(io);
    const config = await loadConfig({
      env,
      flags: line.flags,
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
    const signals = handleSignals({
      controller,
      handlesInterrupt: line.command.handlesInterrupt === true,
      endOpenSpans,
      shutdown: async () => {
        const warning = deliveryWarning(await telemetry.shutdown());
        if (warning) io.stderr(warning + "\n");
      },
      exit: (code) => Deno.exit(code),
    });

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
    return await signals.finish(code);
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
  Deno.exit(
    await main(Deno.args).catch((error) => {
      // Only the start-up imports fail this early (see notInstalled): nothing is loaded to redact or
      // escape with, and the message is kodelet's own.
      const text = error instanceof UserFacingError ? error.message : `internal error: ${String(error)}`;
      Deno.stderr.writeSync(new TextEncoder().encode(`kodelet: ${text}\n`));
      return exitCodeOf(error);
    }),
  );
}
