/**
 * Ctrl-C, SIGTERM and SIGHUP while a command runs. All three cancel the command (its tools kill their
 * process groups, its spans end as failed); a second signal, or a command that does not wind down
 * within TERMINATE_GRACE_MS of a SIGTERM/SIGHUP, ends the open spans at once. Either way the spans
 * are flushed within the shutdown bound (the rest spooled) before the exit: 130 for SIGINT, 143 for
 * SIGTERM and 129 for SIGHUP, as shells report a death by those signals. The listeners stay until the
 * flush is done, so a signal during the flush cannot kill kodelet before it spooled what is left.
 */

/** The exit code of a death by each signal (128 + its number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** How long a command gets to cancel its work after SIGTERM/SIGHUP before kodelet goes anyway. */
export const TERMINATE_GRACE_MS = 2000;

type Handled = keyof typeof SIGNAL_EXIT_CODES;

/** What the handler works with, passed in by main.ts. */
export interface SignalOptions {
  /** Aborted on the first signal: the command's cancellation. */
  controller: AbortController;
  /** The command handles Ctrl-C itself (chat cancels the turn, not the session). */
  handlesInterrupt: boolean;
  /** Ends every open span as failed. */
  endOpenSpans: (message: string) => void;
  /** Flushes telemetry within its bound and reports what could not be delivered. */
  shutdown: () => Promise<void>;
  /** Ends the process (main.ts's Deno.exit). */
  exit: (code: number) => void;
}

/** The installed handler. */
export interface SignalHandler {
  /** Flushes once (later calls wait for the same flush), removes the listeners, returns the exit code. */
  finish(code: number): Promise<number>;
}

/** Installs the listeners for the duration of a command and its flush. */
export function handleSignals(options: SignalOptions): SignalHandler {
  let received: Handled | undefined;
  let flushing: Promise<void> | undefined;
  const listeners: [Deno.Signal, () => void][] = [];
  const flush = () => flushing ??= options.shutdown().catch(() => {});
  const remove = () => {
    for (const [signal, listener] of listeners) {
      try {
        Deno.removeSignalListener(signal, listener);
      } catch {
        // already gone
      }
    }
    listeners.length = 0;
  };
  /** Ends the open spans, flushes (or joins the flush in progress) and exits. */
  const goNow = (signal: Handled) => {
    options.endOpenSpans(signal === "SIGINT" ? "interrupted" : `terminated by ${signal}`);
    void flush().then(() => options.exit(SIGNAL_EXIT_CODES[signal]));
  };
  const on = (signal: Handled) => () => {
    if (received !== undefined || flushing !== undefined) {
      // A second signal, or one that arrives while the spans are being flushed: go, after the flush.
      goNow(received ?? signal);
      return;
    }
    received = signal;
    options.controller.abort(
      new DOMException(signal === "SIGINT" ? "interrupted" : "terminated", "AbortError"),
    );
    if (signal !== "SIGINT") {
      // Nobody is there to insist with a second signal: give the command a moment, then go.
      const timer = setTimeout(() => goNow(signal), TERMINATE_GRACE_MS);
      Deno.unrefTimer(timer);
    }
  };
  const signals: Handled[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) {
    if (signal === "SIGINT" && options.handlesInterrupt) continue;
    const listener = on(signal);
    Deno.addSignalListener(signal, listener);
    listeners.push([signal, listener]);
  }
  return {
    async finish(code: number): Promise<number> {
      if (options.handlesInterrupt && Deno.build.os !== "windows") {
        // The command gave Ctrl-C back: from now on it means "stop flushing", which waits for the spool.
        const listener = on("SIGINT");
        Deno.addSignalListener("SIGINT", listener);
        listeners.push(["SIGINT", listener]);
      }
      await flush();
      remove();
      // Ctrl-C keeps the command's own code (it says "cancelled" its own way); a termination does not.
      return received === undefined || received === "SIGINT" ? code : SIGNAL_EXIT_CODES[received];
    },
  };
}
