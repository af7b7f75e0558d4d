/**
 * The permission gate every tool call passes: it judges the call, asks the user through the
 * Approver when the mode and the rules leave it open (one question at a time, even when the model
 * asked for several tools at once), and refuses it when nobody can answer.
 */
import { editDiff } from "./edit_diff.ts";
import { type HostResolver, resolveHost } from "./hard_limits.ts";
import { type CallFacts, judge, type JudgeContext, offeredInReadOnly } from "./judge.ts";
import { parseRule } from "./rules.ts";
import type {
  ApprovalAnswer,
  ApprovalRequest,
  Approver,
  DecisionSource,
  PermissionMode,
  Rule,
} from "./types.ts";

/** The user's permission settings, rules already parsed. */
export interface PermissionSettings {
  mode: PermissionMode;
  allow: Rule[];
  deny: Rule[];
}

/** Where the gate runs and who may answer. */
export interface GateOptions {
  /** Absent when nobody can answer (no terminal, --output json, CI): calls that would ask are refused. */
  approver?: Approver | undefined;
  /** The system temp directory, where writes are allowed too. */
  tmpDir: string;
  home: string;
  resolveHost?: HostResolver;
}

/** The outcome of a check, as the registry records it. */
export interface GateDecision {
  allow: boolean;
  source: DecisionSource;
  /** The rules that decided, if any. */
  rules: Rule[];
  /** The hard limit that refused the call. */
  limit?: string;
  /** For a refusal: what the model is told. */
  message?: string;
}

/** The permission gate of one session. */
export class PermissionGate {
  readonly settings: PermissionSettings;
  readonly #options: GateOptions;
  /** Rules added by "always" answers; they last as long as this gate. */
  readonly #sessionRules: Rule[] = [];
  /** One question at a time: the next caller waits, then is judged again (an "always" may cover it). */
  #asking: Promise<unknown> = Promise.resolve();

  constructor(settings: PermissionSettings, options: GateOptions) {
    this.settings = settings;
    this.#options = options;
  }

  /** The rules "always" added in this session. */
  sessionRules(): readonly Rule[] {
    return this.#sessionRules;
  }

  /** Whether the model is offered a tool at all (read-only mode offers only the read tools). */
  offers(tool: { name: string; readOnly: boolean }): boolean {
    return this.settings.mode !== "read-only" || offeredInReadOnly(tool.name, tool.readOnly);
  }

  #context(cwd: string): JudgeContext {
    return {
      mode: this.settings.mode,
      allow: [...this.settings.allow, ...this.#sessionRules],
      deny: this.settings.deny,
      cwd,
      tmpDir: this.#options.tmpDir,
      home: this.#options.home,
      resolveHost: this.#options.resolveHost ?? resolveHost,
    };
  }

  /** Decides one call, asking the user when needed. Never throws. */
  async check(call: CallFacts & { callId: string }, cwd: string, signal: AbortSignal): Promise<GateDecision> {
    const first = await judge(call, this.#context(cwd));
    if (first.verdict !== "ask") {
      return first.verdict === "allow" ? { allow: true, ...first } : refusal(first);
    }
    const approver = this.#options.approver;
    if (!approver) {
      return {
        allow: false,
        source: "no_terminal",
        rules: [],
        message: `Not permitted: ${call.tool} (${first.summary}) needs the user's approval, and nobody can ` +
          `answer here (no terminal). Do not retry it; say what you wanted to do instead. The user can allow ` +
          `it with --allow '${first.rule}' (or permissions.allow in kodelet-config.yaml), or with ` +
          `--permission-mode accept-edits (file edits) or --yolo (everything).`,
      };
    }
    const turn = this.#asking.then(() => this.#ask(call, cwd, approver, signal));
    this.#asking = turn.catch(() => {});
    return await turn;
  }

  async #ask(
    call: CallFacts & { callId: string },
    cwd: string,
    approver: Approver,
    signal: AbortSignal,
  ): Promise<GateDecision> {
    // Judged again: while this call waited, an "always" for an earlier one may have covered it.
    const judgement = await judge(call, this.#context(cwd));
    if (judgement.verdict !== "ask") {
      return judgement.verdict === "allow" ? { allow: true, ...judgement } : refusal(judgement);
    }
    const request: ApprovalRequest = {
      tool: call.tool,
      callId: call.callId,
      summary: judgement.summary,
      rule: judgement.rule,
    };
    if (judgement.path !== undefined) {
      const diff = await editDiff(call.tool, judgement.path, judgement.summary, call.input);
      if (diff !== undefined) request.diff = diff;
    }
    let answer: ApprovalAnswer = "no";
    if (!signal.aborted) {
      try {
        answer = await approver(request, signal);
      } catch {
        answer = "no"; // a prompt that broke (closed terminal) allows nothing
      }
    }
    if (signal.aborted) answer = "no";
    if (answer === "always") {
      const rule = parseRule(judgement.rule, "session");
      this.#sessionRules.push(rule);
      return { allow: true, source: "user", rules: [rule] };
    }
    if (answer === "yes") return { allow: true, source: "user", rules: [] };
    return {
      allow: false,
      source: "user",
      rules: [],
      message:
        `The user declined this ${call.tool} call. Do not retry it; ask the user what they want instead.`,
    };
  }
}

function refusal(
  judgement: { source: DecisionSource; rules: Rule[]; limit?: string; message: string },
): GateDecision {
  return {
    allow: false,
    source: judgement.source,
    rules: judgement.rules,
    message: judgement.message,
    ...(judgement.limit !== undefined ? { limit: judgement.limit } : {}),
  };
}
