/**
 * The short list of commands kodelet never runs, in any mode: wiping the root, the home directory
 * or a system directory, making a file system, writing raw onto a disk, fork bombs, and making the
 * whole system world-writable. Judged on the parsed words, so `echo "rm -rf /"` is not refused.
 */
import type { CommandPart, ParsedCommand } from "./bash_parts.ts";

/** Commands that run the rest of their arguments as a command. */
const WRAPPERS = new Set([
  "sudo",
  "doas",
  "command",
  "exec",
  "nohup",
  "nice",
  "time",
  "env",
  "busybox",
  "builtin",
]);

/** Directories whose recursive removal or chmod ruins the machine or the user's account. */
const SYSTEM_DIRS = new Set([
  "/",
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib64",
  "/opt",
  "/proc",
  "/root",
  "/sbin",
  "/srv",
  "/sys",
  "/usr",
  "/var",
  "/Applications",
  "/Library",
  "/System",
  "/Users",
]);

/** Device files that are fine to write to; any other /dev target is a disk or a terminal device. */
const HARMLESS_DEVICES = /^\/dev\/(null|zero|stdout|stderr|stdin|tty|full|random|urandom|fd\/\d+)$/;

/** A word: its literal value (undefined when bash would expand it) and its source text. */
interface CommandWord {
  value: string | undefined;
  raw: string;
}

/** The words of a part after sudo, env, nice and the like. */
function commandWords(part: CommandPart): CommandWord[] {
  const words = part.argv.map((value, index) => ({ value, raw: part.raw[index] ?? "" }));
  while (words.length > 0) {
    const name = words[0]?.value?.split("/").pop();
    if (name === undefined || !WRAPPERS.has(name)) break;
    words.shift();
    // Their own options and env's NAME=value assignments.
    const isOption = (word: CommandWord | undefined) =>
      word?.value?.startsWith("-") || (name === "env" && word?.value?.includes("="));
    while (words.length > 0 && isOption(words[0])) {
      const option = words.shift()?.value;
      if ((name === "sudo" || name === "doas") && (option === "-u" || option === "-g")) words.shift();
      if (name === "nice" && option === "-n") words.shift();
    }
  }
  return words;
}

/** `/`, `/*`, `~`, `$HOME`, `/usr/`, ... as one canonical form; undefined when not a dangerous target. */
function dangerousTarget(word: CommandWord, home: string): string | undefined {
  for (const candidate of [word.value, word.raw]) {
    if (candidate === undefined) continue;
    const bare = candidate.replace(/^["']|["']$/g, "").replace(/\/\*$/, "/").replace(/(.)\/+$/, "$1");
    if (bare === "" || bare === "*") continue;
    if (SYSTEM_DIRS.has(bare)) return bare;
    if (["~", "$HOME", "${HOME}", home].includes(bare)) return "the home directory";
  }
  return undefined;
}

function hasShortFlag(args: CommandWord[], letters: string, long: string): boolean {
  return args.some(({ value: word }) =>
    word !== undefined &&
    (word === long || (/^-[A-Za-z]+$/.test(word) && [...letters].some((letter) => word.includes(letter))))
  );
}

function judgePart(part: CommandPart, home: string): string | undefined {
  const words = commandWords(part);
  const name = words[0]?.value?.split("/").pop();
  if (name === undefined) return undefined;
  const args = words.slice(1);
  if (name === "rm") {
    if (args.some((arg) => arg.value === "--no-preserve-root")) return "rm --no-preserve-root";
    if (hasShortFlag(args, "rR", "--recursive")) {
      for (const arg of args) {
        const target = dangerousTarget(arg, home);
        if (target) return `rm -r of ${target}`;
      }
    }
  }
  if (name === "chmod" || name === "chown" || name === "chgrp") {
    if (hasShortFlag(args, "R", "--recursive")) {
      for (const arg of args) {
        const target = dangerousTarget(arg, home);
        if (target) return `${name} -R of ${target}`;
      }
    }
  }
  if (/^mkfs(\..+)?$|^mke2fs$|^mkswap$|^wipefs$/.test(name)) return `${name} (makes or wipes a file system)`;
  if (name === "dd") {
    const target = args.find((arg) => arg.value?.startsWith("of="))?.value?.slice(3);
    if (target?.startsWith("/dev/") && !HARMLESS_DEVICES.test(target)) return `dd onto the device ${target}`;
  }
  return undefined;
}

/** Patterns for text the parser could not read: judged on the raw text instead. */
const RAW_PATTERNS: [RegExp, string][] = [
  [/:\s*\(\s*\)\s*\{[^}]*:\s*\|\s*:/, "a fork bomb"],
  [
    /\brm\s+(-\S*\s+)*-\S*[rR]\S*\s+(-\S*\s+)*(\/|~|\$HOME)(\s|\/?\*?\s|\/?\*?$|$)/,
    "rm -r of / or the home directory",
  ],
  [/\bmkfs\b|\bmke2fs\b|\bwipefs\b/, "making or wiping a file system"],
  [/\bdd\b.*\bof=\/dev\/(?!null\b|zero\b)/, "dd onto a device"],
];

/** Why a command line is catastrophic, or undefined. */
export function catastrophicReason(
  parsed: ParsedCommand,
  rawCommand: string,
  home: string,
): string | undefined {
  if (parsed.forkBomb) return "a fork bomb";
  if (!parsed.parsed) {
    for (const [pattern, reason] of RAW_PATTERNS) if (pattern.test(rawCommand)) return reason;
  }
  for (const part of parsed.parts) {
    const reason = judgePart(part, home);
    if (reason) return reason;
  }
  for (const write of parsed.writes) {
    if (write.target?.startsWith("/dev/") && !HARMLESS_DEVICES.test(write.target)) {
      return `writing onto the device ${write.target}`;
    }
  }
  return undefined;
}

/** Whether a redirection target is a device that is fine to write to (/dev/null and the like). */
export function isHarmlessDevice(path: string): boolean {
  return HARMLESS_DEVICES.test(path);
}
