/**
 * A real terminal for tests: kodelet runs inside a detached tmux session on a private socket, keys
 * are typed with `send-keys`, pastes go through tmux's buffer as bracketed pastes, and the screen is
 * read back with `capture-pane`. Tests that need it skip when tmux is not installed.
 */

/** Whether tmux can be run here. */
export function hasTmux(): boolean {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A running terminal with one program in it. */
export interface Terminal extends AsyncDisposable {
  /** tmux key names or literal strings (see `man tmux`, send-keys), sent in order. */
  keys(...keys: string[]): Promise<void>;
  /** Literal text, typed as keys. */
  type(text: string): Promise<void>;
  /** Text pasted as a bracketed paste (when the program asked for it, as a terminal would). */
  paste(text: string): Promise<void>;
  /** The visible screen, one string per row, trailing spaces removed. */
  screen(): Promise<string>;
  /** The visible screen with its SGR escape codes (colours, bold, reverse video). */
  screenWithEscapes(): Promise<string>;
  /** Waits until the screen matches, and returns it; fails with the last screen after `timeoutMs`. */
  waitFor(
    pattern: RegExp | ((screen: string) => boolean),
    timeoutMs?: number,
    pollMs?: number,
  ): Promise<string>;
  /** Resizes the window. */
  resize(columns: number, rows: number): Promise<void>;
  /** Whether the program is still running. */
  alive(): Promise<boolean>;
}

/** What to run in the terminal. */
export interface TerminalOptions {
  command: string[];
  env: Record<string, string>;
  cwd: string;
  columns?: number;
  rows?: number;
}

/** Starts `command` in a fresh tmux server of its own, at the given size. */
export async function startTerminal(options: TerminalOptions): Promise<Terminal> {
  const socket = `kodelet-test-${crypto.randomUUID().slice(0, 8)}`;
  const tmux = async (...args: string[]): Promise<string> => {
    const output = await new Deno.Command("tmux", {
      args: ["-L", socket, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (!output.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`);
    }
    return new TextDecoder().decode(output.stdout);
  };
  const env = Object.entries(options.env).map(([name, value]) => `${name}=${quote(value)}`);
  // "; sleep" keeps the pane after the program ends, so a test can still read its last screen.
  const shell =
    `cd ${quote(options.cwd)} && env -i ${env.join(" ")} ${options.command.map(quote).join(" ")}; ` +
    `echo "[exited $?]"; sleep 600`;
  await tmux(
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-x",
    String(options.columns ?? 80),
    "-y",
    String(options.rows ?? 24),
    "sh",
    "-c",
    shell,
  );
  await tmux("set-option", "-g", "status", "off");
  const screen = async () =>
    (await tmux("capture-pane", "-p")).split("\n").map((line) => line.trimEnd()).join("\n").trimEnd();
  return {
    keys: async (...keys) => {
      for (const key of keys) await tmux("send-keys", key);
    },
    type: async (text) => {
      await tmux("send-keys", "-l", text);
    },
    paste: async (text) => {
      await tmux("set-buffer", "--", text);
      await tmux("paste-buffer", "-p", "-d");
    },
    screen,
    screenWithEscapes: () => tmux("capture-pane", "-p", "-e"),
    waitFor: async (pattern, timeoutMs = 20_000, pollMs = 100) => {
      const matches = typeof pattern === "function" ? pattern : (text: string) => pattern.test(text);
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        last = await screen();
        if (matches(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      throw new Error(`the screen never matched ${pattern}; it shows:\n${last}`);
    },
    resize: async (columns, rows) => {
      await tmux("resize-window", "-x", String(columns), "-y", String(rows));
    },
    alive: async () => !/\[exited \d+\]/.test(await screen()),
    [Symbol.asyncDispose]: async () => {
      await tmux("kill-server").catch(() => {});
    },
  };
}
