/**
 * Spots commands that wait for a person at a terminal (editors, pagers, full-screen monitors,
 * REPLs, an ssh login, `git rebase -i`): under the bash tool they would only hang until the timeout,
 * so they are refused up front with a reason and an alternative the model can use.
 */

/** Where the body of a here-document that starts after `from` ends (past its delimiter line). */
function skipHeredoc(command: string, from: number, delimiter: string, stripTabs: boolean): number {
  let start = from;
  while (start < command.length) {
    const end = command.indexOf("\n", start);
    const line = command.slice(start, end < 0 ? command.length : end);
    if ((stripTabs ? line.replace(/^\t+/, "") : line) === delimiter) return end < 0 ? command.length : end;
    if (end < 0) return command.length;
    start = end + 1;
  }
  return command.length;
}

/**
 * Splits a command line into simple commands (words), at `;`, `&`, `|`, newlines and brackets.
 * Here-document bodies are skipped: their lines are data, not commands.
 */
export function simpleCommands(command: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  const heredocs: { delimiter: string; stripTabs: boolean }[] = [];
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let index = 0; index < command.length; index++) {
    const char = command[index] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === "\\" && quote === '"' && index + 1 < command.length) word += command[++index];
      else word += char;
    } else if (char === "<" && command[index + 1] === "<" && command[index + 2] !== "<") {
      endWord();
      index += 2;
      const stripTabs = command[index] === "-";
      if (stripTabs) index++;
      const match = /^[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([^\s;&|<>()]+))/.exec(command.slice(index));
      if (match) {
        heredocs.push({ delimiter: match[1] ?? match[2] ?? match[3] ?? "", stripTabs });
        index += match[0].length;
      }
      index--; // the loop's increment moves past what was read
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === "\\" && index + 1 < command.length) {
      word += command[++index];
      inWord = true;
    } else if (/[;&|\n()`]/.test(char)) {
      endCommand();
      if (char === "\n") {
        for (const heredoc of heredocs.splice(0)) {
          index = skipHeredoc(command, index + 1, heredoc.delimiter, heredoc.stripTabs);
        }
      }
    } else if (/\s/.test(char)) {
      endWord();
    } else {
      word += char;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Words that only introduce the real command. */
const PREFIXES = new Set([
  "sudo",
  "env",
  "nohup",
  "time",
  "exec",
  "command",
  "builtin",
  "nice",
  "then",
  "do",
  "else",
  "if",
  "while",
  "until",
  "!",
  "{",
]);

/** The command name and its arguments, past prefixes such as `sudo`, `env VAR=x`, `time`. */
function commandAndArgs(words: string[]): { name: string; args: string[] } | undefined {
  let index = 0;
  while (index < words.length) {
    const word = words[index] as string;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) index++; // VAR=value assignment
    else if (PREFIXES.has(word)) {
      index++;
      // Options of the prefix itself (sudo -u root, env -i, nice -n 5 are close enough).
      while (index < words.length && (words[index] as string).startsWith("-")) index++;
    } else break;
  }
  const name = words[index];
  if (name === undefined) return undefined;
  return { name: name.slice(name.lastIndexOf("/") + 1), args: words.slice(index + 1) };
}

const EDITORS = new Set([
  "vi",
  "vim",
  "nvim",
  "view",
  "vimdiff",
  "nano",
  "pico",
  "emacs",
  "emacsclient",
  "joe",
  "micro",
  "kak",
  "hx",
  "helix",
  "visudo",
  "vipw",
]);
const PAGERS = new Set(["less", "more", "most"]);
const FULL_SCREEN = new Set(["htop", "btop", "atop", "iotop", "nmon", "watch", "mc", "ranger", "nnn", "tig"]);
const REPLS = new Set([
  "python",
  "python2",
  "python3",
  "ipython",
  "node",
  "irb",
  "pry",
  "ghci",
  "lua",
  "bun",
  "deno",
  "R",
  "scala",
  "sbcl",
  "php",
]);

/** ssh options that take a value, so that `ssh -i key host` still counts as "no command". */
const SSH_VALUE_OPTIONS = new Set("BbcDEeFIiJLlmOoPpQRSWw".split("").map((letter) => `-${letter}`));

function editorReason(name: string, args: string[]): string | undefined {
  if (
    name === "emacs" &&
    args.some((arg) => arg === "--batch" || arg === "-batch" || arg.startsWith("--script"))
  ) {
    return undefined;
  }
  return `"${name}" opens an interactive editor, which cannot be used here. Use file_read to read files and ` +
    `file_edit or file_write to change them.`;
}

function replReason(name: string, args: string[]): string | undefined {
  if (name === "deno" || name === "bun") {
    if (args.length === 0 || args[0] === "repl") {
      return `"${name}" with no script starts a REPL. Run a file or use \`${name} eval '...'\`.`;
    }
    return undefined;
  }
  // A script, inline code, or a flag that prints and exits (--version, -h) means no REPL starts.
  const runsSomething = args.some((arg) =>
    !arg.startsWith("-") || /^-(c|m|e|p|r|V|VV|v|h)$|^--(eval|print|command|version|help)\b/.test(arg)
  );
  if (args.includes("-i") || !runsSomething) {
    return `"${
      [name, ...args].join(" ")
    }" starts an interactive REPL that would wait for input. Pass the code ` +
      `inline (e.g. ${name === "node" ? "node -e '...'" : `${name} -c '...'`}) or run a script file.`;
  }
  return undefined;
}

function sshReason(args: string[]): string | undefined {
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (SSH_VALUE_OPTIONS.has(arg)) index++;
    else if (!arg.startsWith("-")) positional.push(arg);
  }
  if (positional.length <= 1) {
    return `"ssh" without a remote command opens an interactive login. Give the command: ssh host 'command'.`;
  }
  return undefined;
}

function gitReason(args: string[]): string | undefined {
  let index = 0;
  // Global options before the subcommand; -C and -c take a value.
  while (index < args.length && (args[index] as string).startsWith("-")) {
    index += args[index] === "-C" || args[index] === "-c" ? 2 : 1;
  }
  const sub = args[index];
  const rest = args.slice(index + 1);
  const has = (...flags: string[]) => rest.some((arg) => flags.includes(arg));
  if (sub === "rebase" && has("-i", "--interactive")) {
    return `"git rebase -i" opens an editor. Use a non-interactive rebase, or set ` +
      `GIT_SEQUENCE_EDITOR to a command (e.g. a sed script) that edits the todo list.`;
  }
  if (sub === "add" && (has("-i", "--interactive", "-p", "--patch", "-e", "--edit"))) {
    return `"git add ${
      rest.join(" ")
    }" is interactive. Add whole files, or edit the files first and add them.`;
  }
  if (sub === "commit") {
    const message = rest.some((arg) =>
      /^-[a-zA-Z]*[mFC]/.test(arg) || /^--(message|file|reuse-message|no-edit|fixup)/.test(arg)
    );
    if (!message) {
      return `"git commit" without -m opens an editor for the message. Use git commit -m "message".`;
    }
  }
  return undefined;
}

function multiplexerReason(name: string, args: string[]): string | undefined {
  const first = args[0];
  const attaches = name === "screen"
    ? args.length === 0 || args.some((arg) => /^-[rxR]/.test(arg))
    : first === undefined || ["attach", "attach-session", "a", "at"].includes(first) ||
      (["new", "new-session"].includes(first) && !args.includes("-d"));
  return attaches
    ? `"${name}" would attach a terminal session. Start it detached (tmux new -d) or run the command directly.`
    : undefined;
}

/** Why a command cannot run under the bash tool, or undefined when it can. */
export function interactiveReason(command: string): string | undefined {
  for (const words of simpleCommands(command)) {
    const parsed = commandAndArgs(words);
    if (!parsed) continue;
    const { name, args } = parsed;
    let reason: string | undefined;
    if (EDITORS.has(name)) reason = editorReason(name, args);
    else if (PAGERS.has(name)) {
      reason = `"${name}" is a pager that waits for keys. Use file_read, or cat/head/tail/sed -n.`;
    } else if (FULL_SCREEN.has(name)) {
      reason =
        `"${name}" runs full-screen until someone quits it. Use a one-shot command (ps aux, top -b -n 1, ...).`;
    } else if (name === "top" && !args.some((arg) => /^-[a-zA-Z]*b/.test(arg))) {
      reason = `"top" runs full-screen until someone quits it. Use top -b -n 1 or ps aux.`;
    } else if (REPLS.has(name)) reason = replReason(name, args);
    else if (name === "ssh") reason = sshReason(args);
    else if (name === "git") reason = gitReason(args);
    else if (name === "tmux" || name === "screen") reason = multiplexerReason(name, args);
    else if (name === "crontab" && args.includes("-e")) {
      reason = `"crontab -e" opens an editor. Use crontab FILE.`;
    }
    if (reason) return reason;
  }
  return undefined;
}
