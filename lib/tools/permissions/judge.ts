/**
 * The decision for one call, before anyone is asked: hard limits first, then the mode's offer
 * (read-only), then deny rules, then allow rules, then the mode. What is left is a question for the
 * user, with the summary they will see and the exact rule "always" would add.
 */
import { relative, resolve } from "node:path";
import { judgedParts, parseCommand } from "./bash_parts.ts";
import { commandLimit, type HostResolver, isInsideRoots, networkLimit, writeLimit } from "./hard_limits.ts";
import {
  exactGlob,
  matchesCommand,
  matchesHost,
  matchesPath,
  namesHostExactly,
  normaliseCommand,
  ruleNamesTool,
} from "./rules.ts";
import { EDIT_TOOLS, FREE_TOOLS, PATH_TOOLS } from "./tool_kinds.ts";
import type { PermissionMode, Rule } from "./types.ts";

/** A call as the permission engine sees it (arguments already validated against the schema). */
export interface CallFacts {
  tool: string;
  /** The tool's own readOnly flag (an MCP server's readOnlyHint). */
  readOnly: boolean;
  input: Record<string, unknown>;
}

/** The settings and places a decision depends on. */
export interface JudgeContext {
  mode: PermissionMode;
  allow: readonly Rule[];
  deny: readonly Rule[];
  cwd: string;
  tmpDir: string;
  home: string;
  resolveHost: HostResolver;
}

/** A decision taken without asking, or the question to ask. */
export type Judgement =
  | { verdict: "allow"; source: "mode" | "rule"; rules: Rule[] }
  | {
    verdict: "deny";
    source: "mode" | "rule" | "hard_limit";
    rules: Rule[];
    limit?: string;
    message: string;
  }
  | { verdict: "ask"; summary: string; rule: string; path?: string };

/** Whether read-only mode offers a tool: the free reads, and tools that declare themselves read-only. */
export function offeredInReadOnly(tool: string, readOnly: boolean): boolean {
  return FREE_TOOLS.has(tool) || readOnly;
}

function text(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  return typeof value === "string" ? value : "";
}

/** The rules (of one list) that cover this call; for bash, every part must be covered. */
async function covering(
  rules: readonly Rule[],
  call: CallFacts,
  context: JudgeContext,
  deny: boolean,
): Promise<Rule[]> {
  const named = rules.filter((rule) => ruleNamesTool(rule, call.tool));
  if (named.length === 0) return [];
  if (call.tool === "bash") {
    const command = text(call.input, "command");
    const whole = normaliseCommand(command);
    // The whole line: any deny rule may match it; of the allow rules only a bare or exact one may,
    // since a prefix must not stretch over `git status; rm -rf src`.
    const wholeMatch = named.find((rule) =>
      matchesCommand(rule, whole) && (deny || rule.pattern === undefined || rule.pattern.kind === "exact")
    );
    if (wholeMatch) return [wholeMatch];
    const parsed = await parseCommand(command);
    // Text the parser could not read is covered only by the bare rule or an exact match (above).
    if (!parsed.parsed) return [];
    if (deny) {
      // One denied part denies the whole line; `cd` parts count too.
      const hit = parsed.parts.flatMap((part) => named.filter((rule) => matchesCommand(rule, part.text)));
      return hit.slice(0, 1);
    }
    const found: Rule[] = [];
    for (const part of judgedParts(parsed)) {
      const rule = named.find((candidate) => matchesCommand(candidate, part.text));
      if (!rule) return [];
      if (!found.includes(rule)) found.push(rule);
    }
    return found;
  }
  if (PATH_TOOLS.has(call.tool)) {
    const path = resolve(context.cwd, text(call.input, "path"));
    return named.filter((rule) => matchesPath(rule, path, context.cwd)).slice(0, 1);
  }
  if (call.tool === "web_fetch") {
    const host = hostOf(text(call.input, "url"));
    return named.filter((rule) => host !== undefined && matchesHost(rule, host)).slice(0, 1);
  }
  return named.filter((rule) => rule.pattern === undefined).slice(0, 1);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** What the user is shown, and the exact rule "always" would add. */
function question(call: CallFacts, context: JudgeContext): Judgement & { verdict: "ask" } {
  if (call.tool === "bash") {
    const command = normaliseCommand(text(call.input, "command"));
    return { verdict: "ask", summary: text(call.input, "command"), rule: `bash(${command})` };
  }
  if (PATH_TOOLS.has(call.tool)) {
    const path = resolve(context.cwd, text(call.input, "path"));
    const rel = relative(context.cwd, path);
    const shown = rel === "" || rel.startsWith("..") ? path : rel;
    return { verdict: "ask", summary: shown, rule: `${call.tool}(${exactGlob(shown)})`, path };
  }
  if (call.tool === "web_fetch") {
    const url = text(call.input, "url");
    return { verdict: "ask", summary: url, rule: `web_fetch(domain:${hostOf(url) ?? ""})` };
  }
  return { verdict: "ask", summary: JSON.stringify(call.input), rule: call.tool };
}

async function hardLimit(call: CallFacts, context: JudgeContext) {
  if (EDIT_TOOLS.has(call.tool)) {
    return await writeLimit(resolve(context.cwd, text(call.input, "path")), context.cwd, context.tmpDir);
  }
  if (call.tool === "bash") {
    const command = text(call.input, "command");
    return await commandLimit(await parseCommand(command), command, context);
  }
  if (call.tool === "web_fetch") {
    const host = hostOf(text(call.input, "url"));
    if (host === undefined) return undefined;
    // An explicit rule naming the host lets it through (a dev server the user wants read).
    if (context.allow.some((rule) => namesHostExactly(rule, host))) return undefined;
    if (context.deny.some((rule) => ruleNamesTool(rule, "web_fetch") && matchesHost(rule, host))) {
      return undefined; // the deny rule will refuse it, naming itself
    }
    return await networkLimit(host, context.resolveHost);
  }
  return undefined;
}

/** Decides a call without asking anyone. */
export async function judge(call: CallFacts, context: JudgeContext): Promise<Judgement> {
  const limit = await hardLimit(call, context);
  if (limit) {
    return {
      verdict: "deny",
      source: "hard_limit",
      rules: [],
      limit: limit.limit,
      message: `Refused by a hard limit: ${limit.reason}.`,
    };
  }
  if (context.mode === "read-only" && !offeredInReadOnly(call.tool, call.readOnly)) {
    return {
      verdict: "deny",
      source: "mode",
      rules: [],
      message: `${call.tool} is not available: kodelet runs in read-only mode, where nothing can be changed.`,
    };
  }
  const denied = await covering(context.deny, call, context, true);
  if (denied.length > 0) {
    const rule = denied[0] as Rule;
    return {
      verdict: "deny",
      source: "rule",
      rules: denied,
      message:
        `Not permitted: the rule "${rule.text}" (from ${rule.source}) denies this call. Do not retry it.`,
    };
  }
  const allowed = await covering(context.allow, call, context, false);
  if (allowed.length > 0) return { verdict: "allow", source: "rule", rules: allowed };
  if (FREE_TOOLS.has(call.tool) || context.mode === "yolo") {
    return { verdict: "allow", source: "mode", rules: [] };
  }
  if (context.mode === "accept-edits" && EDIT_TOOLS.has(call.tool)) {
    // The hard limit has already kept edits inside the working directory or the temp directory;
    // accept-edits lets through only those inside the working directory (symlinks followed).
    if (await isInsideRoots(resolve(context.cwd, text(call.input, "path")), [context.cwd])) {
      return { verdict: "allow", source: "mode", rules: [] };
    }
  }
  return question(call, context);
}
