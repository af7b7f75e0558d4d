/**
 * The detached sender of tracing.delivery = background: when a traced command ends with spans the
 * endpoint has not acknowledged, they go to the spool and a short-lived `kodelet tracing flush` is
 * started in its own process group, so the user's command exits at once and the spans still arrive
 * within a second or two. One sender at a time: it holds a lock file while it runs.
 */
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The sender's lock, in the spool directory; older than this, it is a crashed sender's leftover. */
export const SENDER_LOCK = "sender.lock";
export const SENDER_LOCK_STALE_MS = 60_000;
/** What the last sender found, for the next command's warning and `tracing check`. */
export const LAST_SEND = "last_send.json";

/** What the last background send found. */
export interface LastSend {
  time: string;
  ok: boolean;
  /** In plain words; never a header value. */
  reason?: string;
  remainingBatches: number;
}

/** How to start `kodelet tracing flush` the way this process was started (binary or from source). */
export function senderInvocation(): { command: string; args: string[] } {
  const command = Deno.execPath();
  if (!/^deno(\.exe)?$/i.test(basename(command))) return { command, args: ["tracing", "flush"] };
  // From source: the same entry point and import map, and only the permissions sending needs.
  const args = [
    "run",
    "--quiet",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-sys",
  ];
  if (Deno.mainModule.startsWith("file:")) {
    const config = fileURLToPath(new URL("./deno.json", Deno.mainModule));
    try {
      Deno.statSync(config);
      args.push("--config", config);
    } catch {
      // No deno.json beside the entry point: Deno finds the configuration itself.
    }
  }
  return { command, args: [...args, Deno.mainModule, "tracing", "flush"] };
}

// The look at the spool before starting a sender is on the exit path of every traced command: it
// uses synchronous calls, which for a few small files cost much less than the hops to Deno's I/O
// threads, and nothing else is left to run meanwhile.

function readLastSend(spoolDir: string): LastSend | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(join(spoolDir, LAST_SEND))) as LastSend;
  } catch {
    return undefined;
  }
}

function senderRunning(spoolDir: string): boolean {
  try {
    const { mtime } = Deno.statSync(join(spoolDir, SENDER_LOCK));
    return mtime !== null && Date.now() - mtime.getTime() < SENDER_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

/** The batch files waiting in the spool: spans, and the metric points and log records beside them. */
export function spooledBatches(spoolDir: string): Set<string> {
  const found = new Set<string>();
  try {
    for (const entry of Deno.readDirSync(spoolDir)) {
      if (entry.isFile && entry.name.endsWith(".json") && entry.name !== LAST_SEND) found.add(entry.name);
      // The spools of metric points and log records (see signal_resend.ts).
      if (entry.isDirectory && (entry.name === "metrics" || entry.name === "logs")) {
        for (const name of spooledBatches(join(spoolDir, entry.name))) {
          found.add(`${entry.name}/${name}`);
        }
      }
    }
  } catch {
    // No spool yet: nothing waits.
  }
  return found;
}

/**
 * Starts a detached sender when the spool holds batches and no sender is running; returns why the
 * previous background send failed, if it did (so the user hears of a collector that stays down).
 */
export function startBackgroundSender(spoolDir: string): string | undefined {
  const last = readLastSend(spoolDir);
  const failure = last && !last.ok && last.remainingBatches > 0 ? last.reason ?? "unknown" : undefined;
  if (spooledBatches(spoolDir).size === 0 || senderRunning(spoolDir)) return failure;
  const { command, args } = senderInvocation();
  const child = new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    // Its own process group: a Ctrl-C meant for the user's next command does not stop it.
    detached: true,
    // Not the user's directory, which the sender has no business holding (or which may be gone).
    cwd: spoolDir,
    // The sender makes no spans of its own (it would only spool them again).
    env: { OTEL_SDK_DISABLED: "true" },
  }).spawn();
  child.unref();
  // Nobody waits for it; its exit status is in last_send.json.
  child.status.catch(() => {});
  return failure;
}

/**
 * Takes the sender lock, or returns undefined when another sender holds it. The returned function
 * releases it.
 */
export async function takeSenderLock(spoolDir: string): Promise<(() => Promise<void>) | undefined> {
  const path = join(spoolDir, SENDER_LOCK);
  await Deno.mkdir(spoolDir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, `${Deno.pid}\n`, { createNew: true, mode: 0o600 });
      return () => Deno.remove(path).catch(() => {});
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      if (await senderRunning(spoolDir)) return undefined;
      // A crashed sender's lock: take it over.
      await Deno.remove(path).catch(() => {});
    }
  }
  return undefined;
}

/** Records what this sender found, for the next command and for `tracing check`. */
export async function recordLastSend(spoolDir: string, outcome: LastSend): Promise<void> {
  await Deno.writeTextFile(join(spoolDir, LAST_SEND), JSON.stringify(outcome) + "\n", { mode: 0o600 });
}
