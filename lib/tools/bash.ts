/**
 * The bash tool: runs a command with `bash -c` in the working directory, in a process group of its
 * own so that a timeout or Ctrl-C ends everything it started, with head-and-tail output truncation.
 */
import * as z from "zod/mini";
import { KODELET, PROCESS } from "../telemetry/mod.ts";
import { HeadTailBuffer } from "./_head_tail.ts";
import { interactiveReason } from "./_interactive.ts";
import { OutputSaver } from "./output_spill.ts";
import { sandboxUnavailableMessage } from "./sandbox.ts";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** Default timeout when the model gives none. */
export const DEFAULT_TIMEOUT_SECONDS = 120;
/** The longest timeout the model may ask for. */
export const MAX_TIMEOUT_SECONDS = 600;
/** Output kept from the start and from the end; together below the registry's 64 KiB cap. */
const HEAD_BYTES = 24 * 1024;
const TAIL_BYTES = 24 * 1024;
/** Time between SIGTERM and SIGKILL, for programs that clean up on SIGTERM. */
const KILL_GRACE_MS = 300;
/** How long to wait for the pipes after the group is gone (a `setsid` escapee may hold them). */
const PIPE_DRAIN_MS = 1000;

/** The bash tool's parameters. */
export const bashParameters = z.object({
  command: z.string().check(
    z.minLength(1),
    z.describe("The shell command to run with bash -c, in the working directory."),
  ),
  timeout_seconds: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_TIMEOUT_SECONDS))).check(z.describe(
    `Seconds before the command and everything it started are killed (1-${MAX_TIMEOUT_SECONDS}, default ${DEFAULT_TIMEOUT_SECONDS}).`,
  )),
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends a signal to a whole process group; a group that is already gone is fine. */
function signalGroup(pgid: number, signal: Deno.Signal): void {
  try {
    if (Deno.build.os === "windows") {
      // No process groups (or negative pids) on Windows: taskkill /T ends the whole tree.
      if (signal === "SIGKILL") {
        new Deno.Command("taskkill", {
          args: ["/PID", String(pgid), "/T", "/F"],
          stdout: "null",
          stderr: "null",
        })
          .spawn();
      }
      return;
    }
    Deno.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

/** Reads a pipe into the sink until it closes; returns a function that stops reading early. */
function pump(
  stream: ReadableStream<Uint8Array>,
  sink: (chunk: Uint8Array) => void,
): { done: Promise<void>; stop: () => void } {
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        sink(value);
      }
    } catch {
      // Cancelled by stop(): the rest is not wanted.
    } finally {
      reader.releaseLock();
    }
  })();
  return { done, stop: () => void reader.cancel().catch(() => {}) };
}

/** Runs the command and collects what it printed (stdout and stderr in arrival order). */
async function run(
  program: string,
  args: string[],
  options: {
    cwd: string;
    env: Record<string, string>;
    timeoutMs: number;
    signal: AbortSignal;
    saver: OutputSaver | undefined;
  },
): Promise<{ code: number; output: HeadTailBuffer; timedOut: boolean; cancelled: boolean }> {
  // detached: the child calls setsid(), so its pid is the id of a new process group we can kill whole.
  // program is bash, or bwrap with bash inside (sandbox.ts): the same group, limits and pipes either way.
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd,
    // Exactly the environment given (filtered by child_env.ts), not kodelet's own with it merged in.
    env: options.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const output = new HeadTailBuffer(HEAD_BYTES, TAIL_BYTES);
  const sink = (chunk: Uint8Array) => {
    output.push(chunk);
    options.saver?.push(chunk);
  };
  const pumps = [pump(child.stdout, sink), pump(child.stderr, sink)];
  let timedOut = false;
  let cancelled = false;
  let stopping: Promise<void> | undefined;
  const terminate = () => {
    stopping ??= (async () => {
      signalGroup(child.pid, "SIGTERM");
      await sleep(KILL_GRACE_MS);
      signalGroup(child.pid, "SIGKILL");
    })();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    terminate();
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  if (options.signal.aborted) onAbort();
  try {
    const status = await child.status;
    // Stopping: the grace time runs out first. In the sandbox the leader (bwrap) dies of the SIGTERM
    // at once, while the command inside may still be running its TERM trap.
    await stopping;
    // Background jobs (`cmd &`) die with the command: they would hold our pipes open and outlive
    // the tool call. A process started with setsid has left the group and is not touched.
    signalGroup(child.pid, "SIGKILL");
    let drainTimer: ReturnType<typeof setTimeout> | undefined;
    const drained = Promise.all(pumps.map((p) => p.done));
    await Promise.race([
      drained,
      new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, PIPE_DRAIN_MS))),
    ]);
    clearTimeout(drainTimer);
    for (const p of pumps) p.stop();
    await drained;
    return { code: status.code, output, timedOut, cancelled };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
  }
}

/** Runs shell commands. */
export const bashTool = defineTool({
  name: "bash",
  description: [
    "Runs a shell command with `bash -c` in the working directory and returns its combined stdout and stderr",
    "and its exit code (a non-zero exit code is reported, not treated as a failure).",
    `The command is killed, with everything it started, after timeout_seconds (default ${DEFAULT_TIMEOUT_SECONDS}, max ${MAX_TIMEOUT_SECONDS}).`,
    "Standard input is empty and there is no terminal: interactive programs (editors, pagers, REPLs, ssh logins,",
    "git rebase -i, git commit without -m) are refused. Background jobs (&) are stopped when the command ends.",
    "Very long output keeps its beginning and its end (the whole of it is saved to a file named in the result).",
    "Prefer file_read, grep_tool and glob_tool for reading and",
    "searching files, and file_edit/file_write for changing them.",
  ].join(" "),
  parameters: bashParameters,
  readOnly: false,
  async execute(args, ctx) {
    const reason = interactiveReason(args.command);
    if (reason) return toolError("interactive_command", `Refused: ${reason}`);
    ctx.capture(KODELET.BASH_COMMAND, args.command);
    const timeoutSeconds = args.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS;
    ctx.record({ [KODELET.BASH_TIMEOUT_MS]: timeoutSeconds * 1000 });
    if (ctx.signal.aborted) return toolError("cancelled", "Cancelled before the command started");
    const plan = ctx.sandbox
      ? await ctx.sandbox.plan(args.command, ctx.cwd, ctx.env)
      : { kind: "none" as const, program: "bash", args: ["-c", args.command] };
    ctx.record({ [KODELET.TOOL_SANDBOX]: plan.kind });
    if (plan.kind === "unavailable") {
      return toolError("sandbox_unavailable", sandboxUnavailableMessage(plan.reason));
    }
    if (ctx.signal.aborted) return toolError("cancelled", "Cancelled before the command started");

    // The middle of a long output is cut from what the model sees; saved whole, it is not lost.
    const saver = ctx.toolOutputDir === undefined
      ? undefined
      : new OutputSaver(ctx.toolOutputDir, { id: ctx.callId, name: "bash" }, HEAD_BYTES + TAIL_BYTES);
    const result = await run(plan.program, plan.args, {
      cwd: ctx.cwd,
      env: ctx.env,
      timeoutMs: timeoutSeconds * 1000,
      signal: ctx.signal,
      saver,
    });
    const saved = await saver?.finish();
    let text = result.output.text();
    if (saved !== undefined) text += `${text.endsWith("\n") ? "" : "\n"}${saved}\n`;
    ctx.record({
      [PROCESS.EXIT_CODE]: result.code,
      [KODELET.OUTPUT_BYTES]: result.output.totalBytes,
      [KODELET.BASH_TIMED_OUT]: result.timedOut,
      ...(result.output.truncated ? { [KODELET.OUTPUT_TRUNCATED]: true } : {}),
      ...(saved !== undefined ? { [KODELET.OUTPUT_SPILLED]: true } : {}),
    });
    const shown = text === "" ? "(no output)" : text;
    if (result.timedOut) {
      return toolError(
        "timeout",
        `Command timed out after ${timeoutSeconds} s; it and every process it started were killed. ` +
          `Output before the timeout:\n${shown}`,
      );
    }
    if (result.cancelled) {
      return toolError("cancelled", `Command cancelled by the user. Output so far:\n${shown}`);
    }
    if (result.code === 0) return toolOutput(shown);
    return toolOutput(
      `${shown}${shown.endsWith("\n") ? "" : "\n"}Exit code: ${result.code}`,
      `exit ${result.code}`,
    );
  },
});
