/**
 * Permission rules: `tool`, `bash(exact command)`, `bash(prefix:*)`, `file_edit(glob)`,
 * `web_fetch(domain:host)`, `mcp__server` and `mcp__server__tool`. Parsing refuses anything it
 * cannot read, so that a typo never silently allows or fails to deny.
 */
import { isAbsolute, relative, resolve } from "node:path";
// @ts-types="@types/picomatch"
import picomatch from "picomatch";
import { BUILTIN_TOOLS, MCP_PREFIX, PATH_TOOLS } from "./tool_kinds.ts";
import type { Rule } from "./types.ts";

/** Why a rule could not be read; the caller adds the rule and where it came from. */
export class RuleError extends Error {
  override readonly name = "RuleError";
}

const RULE = /^([A-Za-z0-9_-]+)(?:\((.*)\))?$/s;
const HOST = /^(\*\.)?[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/;

/** Runs of white space count as one space, so `git  status` and `git status` are the same command. */
export function normaliseCommand(command: string): string {
  return command.replace(/\s+/g, " ").trim();
}

function parsePattern(tool: string, pattern: string): Rule["pattern"] {
  if (tool === "bash") {
    if (pattern === "*") return undefined;
    if (pattern.endsWith(":*")) {
      const prefix = normaliseCommand(pattern.slice(0, -2));
      if (prefix === "") throw new RuleError('the prefix before ":*" is empty');
      return { kind: "prefix", prefix };
    }
    return { kind: "exact", command: normaliseCommand(pattern) };
  }
  if (PATH_TOOLS.has(tool)) return { kind: "glob", glob: pattern };
  if (tool === "web_fetch") {
    if (!pattern.startsWith("domain:")) {
      throw new RuleError("web_fetch rules name a host: web_fetch(domain:example.com)");
    }
    const domain = pattern.slice("domain:".length).trim().toLowerCase();
    if (!HOST.test(domain)) throw new RuleError(`"${domain}" is not a host name`);
    return { kind: "domain", domain };
  }
  throw new RuleError(`${tool} rules take no pattern; write just "${tool}"`);
}

/** Parses one rule; throws RuleError saying what is wrong with it. */
export function parseRule(text: string, source: string): Rule {
  const trimmed = text.trim();
  const match = RULE.exec(trimmed);
  if (!match) {
    throw new RuleError(
      'must be a tool name, or a tool name with a pattern in parentheses: "bash(git status)"',
    );
  }
  const tool = match[1] ?? "";
  const isMcp = tool.startsWith(MCP_PREFIX) && tool.length > MCP_PREFIX.length;
  if (!isMcp && !BUILTIN_TOOLS.has(tool)) {
    throw new RuleError(`unknown tool "${tool}" (tools: ${[...BUILTIN_TOOLS].join(", ")}, mcp__<server>...)`);
  }
  const rule: Rule = { text: trimmed, tool, source };
  if (match[2] === undefined) return rule;
  const pattern = match[2].trim();
  if (pattern === "") throw new RuleError("the pattern in parentheses is empty");
  if (isMcp) throw new RuleError(`MCP rules take no pattern; write "${tool}"`);
  const parsed = parsePattern(tool, pattern);
  if (parsed) rule.pattern = parsed;
  return rule;
}

/** Whether a rule names this tool (an `mcp__server` rule names every tool of that server). */
export function ruleNamesTool(rule: Rule, tool: string): boolean {
  if (rule.tool === tool) return true;
  return rule.tool.startsWith(MCP_PREFIX) && !rule.tool.slice(MCP_PREFIX.length).includes("__") &&
    tool.startsWith(rule.tool + "__");
}

/** Whether a bash rule covers one simple command (already normalised). */
export function matchesCommand(rule: Rule, command: string): boolean {
  const pattern = rule.pattern;
  if (pattern === undefined) return true;
  if (pattern.kind === "exact") return command === pattern.command;
  if (pattern.kind === "prefix") {
    return command === pattern.prefix || command.startsWith(pattern.prefix + " ");
  }
  return false;
}

/** Globs match dotfiles too: a deny rule for `secrets/**` must cover `secrets/.key`. */
function matchesGlob(path: string, glob: string): boolean {
  return picomatch.isMatch(path, glob, { dot: true });
}

/** Whether a path rule covers an absolute path; relative globs are relative to the working directory. */
export function matchesPath(rule: Rule, absolutePath: string, cwd: string): boolean {
  const pattern = rule.pattern;
  if (pattern === undefined) return true;
  if (pattern.kind !== "glob") return false;
  if (isAbsolute(pattern.glob)) return matchesGlob(absolutePath, pattern.glob);
  const rel = relative(cwd, resolve(absolutePath));
  if (rel === "" || isAbsolute(rel)) return false;
  return matchesGlob(rel, pattern.glob);
}

/** Whether a web_fetch rule covers a host: exactly, or `*.example.com` for its subdomains. */
export function matchesHost(rule: Rule, host: string): boolean {
  const pattern = rule.pattern;
  if (pattern === undefined) return true;
  if (pattern.kind !== "domain") return false;
  const name = host.toLowerCase();
  if (pattern.domain.startsWith("*.")) return name.endsWith(pattern.domain.slice(1));
  return name === pattern.domain;
}

/** Whether a rule names this host explicitly (not a bare `web_fetch`, not a wildcard). */
export function namesHostExactly(rule: Rule, host: string): boolean {
  return rule.tool === "web_fetch" && rule.pattern?.kind === "domain" &&
    rule.pattern.domain === host.toLowerCase();
}

/** A glob that matches exactly one path (glob characters escaped). */
export function exactGlob(path: string): string {
  return path.replace(/[*?[\]{}()!\\]/g, (char) => `\\${char}`);
}
