/**
 * Every configuration key in one table: its parser, default, the env vars that set it (in order of
 * priority) and the flag that sets it. The README's configuration reference is written from this table.
 */
import { parseMcpServers } from "./mcp.ts";
import {
  boolean,
  duration,
  httpUrl,
  integerBetween,
  keyValueList,
  listOf,
  nameList,
  nonEmptyString,
  numberBetween,
  oneOf,
  type Parser,
  ValueError,
} from "./values.ts";
import { SIGNAL_KEYS } from "./signal_keys.ts";

/** Exporters a user can name in tracing.exporter / OTEL_TRACES_EXPORTER. */
export const EXPORTER_NAMES = ["otlp", "console", "file", "none"] as const;
/** Sampler names of tracing.sampler. */
export const SAMPLER_NAMES = ["always", "never", "ratio"] as const;
/** Permission modes, from the most careful default to no questions at all (hard limits still hold). */
export const PERMISSION_MODES = ["ask", "accept-edits", "read-only", "yolo"] as const;
/** OTLP/HTTP encodings; gRPC is not offered (the design is OTLP/HTTP only). */
export const OTLP_PROTOCOLS = ["http/protobuf", "http/json"] as const;

/** An env var that sets a key, with an optional rewrite of its value into the key's form. */
export interface EnvSource {
  name: string;
  transform?: (value: string) => string;
}

/** A command-line flag that sets a key. */
export interface FlagSpec {
  name: string;
  type: "string" | "boolean";
  description: string;
  /** Global flags exist on every command; the others only on the commands that list them. */
  global: boolean;
  /** The flag may repeat (--allow A --allow B). */
  multiple?: boolean;
}

/** One configuration key. */
export interface KeySpec {
  key: string;
  description: string;
  parse: Parser<unknown>;
  env: EnvSource[];
  flag?: FlagSpec;
  /** Applied to values from files and flags (env sources carry their own). */
  transform?: (value: string) => string;
  /** Never echoed back in an error message or anywhere else. */
  secret?: boolean;
  /** The value when no source sets the key (absent: unset, or computed as defaultText says). */
  default?: unknown;
  /** How the default is described in the README, when it is computed. */
  defaultText?: string;
  /** A list whose entries from every source (flags and both config files) are joined, not replaced. */
  merge?: boolean;
  /**
   * Whether a project's ./kodelet-config.yaml may set the key: "allow" always (it cannot redirect
   * credentials, data or files: model, max_turns, tool settings, permissions.deny ...), "trust" only
   * when the user trusted that directory (`kodelet trust`), "never" not at all (API keys, base_path),
   * "tighten" (a boolean safety switch: permissions.sandbox) always to true, to false only when trusted.
   * Absent means "trust".
   */
  project?: ProjectPolicy;
}

/** Whether a project's config file may set a key; see KeySpec.project. */
export type ProjectPolicy = "allow" | "trust" | "never" | "tighten";

/** A key's project policy, "trust" when the table does not say. */
export function projectPolicy(spec: KeySpec): ProjectPolicy {
  return spec.project ?? "trust";
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; the spec appends the signal path to it. */
export function tracesUrlFromBase(base: string): string {
  return base.replace(/\/+$/, "") + "/v1/traces";
}

/** OTEL_TRACES_SAMPLER names mapped onto tracing.sampler (ratio is always parent-based here). */
function otelSampler(raw: string): string {
  const names: Record<string, string> = {
    always_on: "always",
    parentbased_always_on: "always",
    always_off: "never",
    parentbased_always_off: "never",
    traceidratio: "ratio",
    parentbased_traceidratio: "ratio",
  };
  const name = names[raw.trim().toLowerCase()];
  if (name === undefined) throw new ValueError(`must be one of ${Object.keys(names).join(", ")}`);
  return name;
}

function tracingFlag(name: string, type: FlagSpec["type"], description: string): FlagSpec {
  return { name, type, description, global: true };
}

/** A list of rules: a YAML list of strings (or one string); each rule is parsed by the permission engine. */
const ruleList: Parser<string[]> = (raw) => {
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item) => {
    if (typeof item !== "string" || item.trim() === "") {
      throw new ValueError("must be a list of rules (strings)");
    }
    return item.trim();
  });
};

/** The table. Order is the order of the README's reference. */
export const KEYS: readonly KeySpec[] = [
  {
    key: "base_path",
    project: "never",
    defaultText: "~/.kodelet",
    description: "directory of kodelet's own files (config.yaml, storage.db, traces/)",
    parse: nonEmptyString,
    env: [{ name: "KODELET_BASE_PATH" }],
  },
  {
    key: "provider",
    project: "allow",
    default: "anthropic",
    description: "LLM provider: anthropic or openai (any OpenAI-compatible server)",
    parse: oneOf(["anthropic", "openai"] as const),
    env: [{ name: "KODELET_PROVIDER" }],
    flag: { name: "provider", type: "string", description: "anthropic | openai", global: false },
  },
  {
    key: "model",
    project: "allow",
    defaultText: "claude-sonnet-5-5 (anthropic), gpt-5.5 (openai)",
    description: "model name; default depends on the provider",
    parse: nonEmptyString,
    env: [{ name: "KODELET_MODEL" }],
    flag: { name: "model", type: "string", description: "model to use", global: false },
  },
  {
    key: "max_tokens",
    project: "allow",
    default: 8192,
    description: "maximum output tokens per LLM request",
    parse: integerBetween(1, 1_000_000),
    env: [{ name: "KODELET_MAX_TOKENS" }],
  },
  {
    key: "max_turns",
    project: "allow",
    default: 50,
    description: "maximum LLM requests in one run before it stops",
    parse: integerBetween(1, 10_000),
    env: [{ name: "KODELET_MAX_TURNS" }],
    flag: { name: "max-turns", type: "string", description: "stop after N LLM requests", global: false },
  },
  {
    key: "temperature",
    project: "allow",
    description:
      "sampling temperature for OpenAI-compatible servers (the Anthropic API kodelet speaks has none)",
    parse: numberBetween(0, 2),
    env: [{ name: "KODELET_TEMPERATURE" }],
  },
  {
    key: "thinking_budget_tokens",
    project: "allow",
    // On, as in the Go kodelet (~4K) and Claude Code; a default that does not fit max_tokens is dropped.
    default: 4096,
    description:
      "Anthropic thinking: the token budget on models with extended thinking (Claude 4.5 and older); on adaptive models (4.6 and later, which choose their own depth) any value above 0 turns it on; 0 turns thinking off where the model allows",
    parse: integerBetween(0, 1_000_000),
    env: [{ name: "KODELET_THINKING_BUDGET_TOKENS" }],
  },
  {
    key: "max_retries",
    project: "allow",
    default: 4,
    description: "retries of an LLM request on 429, 529 and 5xx",
    parse: integerBetween(0, 20),
    env: [{ name: "KODELET_MAX_RETRIES" }],
  },
  {
    key: "llm.request_timeout",
    project: "allow",
    default: 60_000,
    defaultText: "60s",
    description: "time limit for an LLM request's first streamed chunk (a number is seconds); retried",
    parse: duration("s", 3_600_000),
    env: [{ name: "KODELET_LLM_REQUEST_TIMEOUT" }],
  },
  {
    key: "llm.stream_idle_timeout",
    project: "allow",
    default: 90_000,
    defaultText: "90s",
    description: "time limit between two chunks of a streaming answer (a number is seconds)",
    parse: duration("s", 3_600_000),
    env: [{ name: "KODELET_LLM_STREAM_IDLE_TIMEOUT" }],
  },
  {
    key: "context.window",
    defaultText: "the model's, from kodelet's table (128000 for a model it does not know)",
    description: "context window of the model in tokens; compaction is measured against it",
    parse: integerBetween(1024, 100_000_000),
    env: [{ name: "KODELET_CONTEXT_WINDOW" }],
    project: "allow",
  },
  {
    key: "context.compact_ratio",
    default: 0.8,
    description: "share of the context window in use after which the conversation is compacted",
    parse: numberBetween(0.1, 1),
    env: [{ name: "KODELET_CONTEXT_COMPACT_RATIO" }],
    project: "allow",
  },
  {
    key: "context.compact_model",
    defaultText: "the session's model",
    description: "model that writes the summary when a conversation is compacted",
    parse: nonEmptyString,
    env: [{ name: "KODELET_CONTEXT_COMPACT_MODEL" }],
    project: "allow",
  },
  {
    key: "context.rules",
    default: true,
    description: "put AGENTS.md / KODELET.md (CLAUDE.md as a fallback) into the system prompt",
    parse: boolean,
    env: [{ name: "KODELET_CONTEXT_RULES" }],
    project: "allow",
    flag: {
      name: "rules",
      type: "boolean",
      description: "read the project rules files (default; --no-rules leaves them out)",
      global: false,
    },
  },
  {
    key: "anthropic.api_key",
    project: "never",
    description: "Anthropic API key",
    parse: nonEmptyString,
    env: [{ name: "KODELET_ANTHROPIC_API_KEY" }, { name: "ANTHROPIC_API_KEY" }],
    secret: true,
  },
  {
    key: "anthropic.base_url",
    description: "Anthropic API base URL",
    parse: httpUrl,
    env: [{ name: "KODELET_ANTHROPIC_BASE_URL" }, { name: "ANTHROPIC_BASE_URL" }],
  },
  {
    key: "openai.api_key",
    project: "never",
    description: "OpenAI (or compatible server) API key",
    parse: nonEmptyString,
    env: [{ name: "KODELET_OPENAI_API_KEY" }, { name: "OPENAI_API_KEY" }],
    secret: true,
  },
  {
    key: "openai.base_url",
    description: "OpenAI-compatible base URL (Ollama, vLLM, llama.cpp ...)",
    parse: httpUrl,
    env: [{ name: "KODELET_OPENAI_BASE_URL" }, { name: "OPENAI_BASE_URL" }],
  },
  {
    key: "permissions.mode",
    default: "ask",
    description:
      "ask (reads run, the rest asks) | accept-edits (file edits in the working directory run too) | read-only | yolo",
    parse: oneOf(PERMISSION_MODES),
    env: [{ name: "KODELET_PERMISSIONS_MODE" }],
    flag: {
      name: "permission-mode",
      type: "string",
      description: "ask | accept-edits | read-only | yolo",
      global: false,
    },
  },
  {
    key: "permissions.allow",
    default: [],
    description:
      "rules for calls that run without asking: bash(git status), bash(npm test:*), file_edit(src/**), ...",
    parse: ruleList,
    env: [],
    flag: {
      name: "allow",
      type: "string",
      description: "allow RULE without asking (repeatable)",
      global: false,
      multiple: true,
    },
    merge: true,
  },
  {
    key: "permissions.deny",
    default: [],
    description: "rules for calls that never run; deny beats allow and every mode",
    parse: ruleList,
    env: [],
    flag: {
      name: "deny",
      type: "string",
      description: "refuse RULE (repeatable)",
      global: false,
      multiple: true,
    },
    merge: true,
    // A project may always add denials: they can only take power away.
    project: "allow",
  },
  {
    key: "permissions.sandbox",
    default: false,
    description:
      "run bash under bubblewrap (bwrap): working dir and temp dir writable, the rest read-only, no network",
    parse: boolean,
    env: [{ name: "KODELET_PERMISSIONS_SANDBOX" }],
    flag: {
      name: "sandbox",
      type: "boolean",
      description: "run bash in a bubblewrap sandbox (--no-sandbox: without)",
      global: false,
    },
    // A project may turn the sandbox on (it only takes power away); turning it off needs trust.
    project: "tighten",
  },
  {
    key: "permissions.sandbox_network",
    default: false,
    description: "let commands in the sandbox use the network",
    parse: boolean,
    env: [{ name: "KODELET_PERMISSIONS_SANDBOX_NETWORK" }],
    flag: {
      name: "sandbox-network",
      type: "boolean",
      description: "let sandboxed commands use the network",
      global: false,
    },
    // Only loosens: the user's own choice (their config file, the environment, a flag).
    project: "never",
  },
  {
    key: "tools.bash.env_passthrough",
    default: [],
    description: "credential-looking env vars the bash tool's commands may see (kodelet's own keys: never)",
    parse: nameList,
    env: [{ name: "KODELET_TOOLS_BASH_ENV_PASSTHROUGH" }],
  },
  {
    key: "log.level",
    project: "allow",
    default: "warn",
    description: "debug | info | warn | error | off",
    parse: oneOf(["debug", "info", "warn", "error", "off"] as const),
    env: [{ name: "KODELET_LOG_LEVEL" }],
    flag: {
      name: "log-level",
      type: "string",
      description: "debug | info | warn | error | off",
      global: true,
    },
  },
  {
    key: "log.format",
    project: "allow",
    default: "text",
    description: "text | json",
    parse: oneOf(["text", "json"] as const),
    env: [{ name: "KODELET_LOG_FORMAT" }],
  },
  {
    key: "log.file",
    description: "write log lines to this file instead of stderr",
    parse: nonEmptyString,
    env: [{ name: "KODELET_LOG_FILE" }],
  },
  {
    key: "tracing.enabled",
    project: "allow",
    defaultText: "false, or true when an OTLP endpoint is configured",
    description: "turn tracing on; default false, but a configured OTLP endpoint turns it on",
    parse: boolean,
    env: [{ name: "KODELET_TRACING_ENABLED" }],
    flag: tracingFlag("tracing-enabled", "boolean", "turn tracing on (--no-tracing-enabled: off)"),
  },
  {
    key: "tracing.sampler",
    project: "allow",
    default: "always",
    description: "always | never | ratio (ratio = ParentBased(TraceIdRatio(tracing.ratio)))",
    parse: oneOf(SAMPLER_NAMES),
    env: [{ name: "KODELET_TRACING_SAMPLER" }, { name: "OTEL_TRACES_SAMPLER", transform: otelSampler }],
    flag: tracingFlag("tracing-sampler", "string", "always | never | ratio"),
  },
  {
    key: "tracing.ratio",
    project: "allow",
    default: 1,
    description: "fraction of traces kept by the ratio sampler, 0..1",
    parse: numberBetween(0, 1),
    env: [{ name: "KODELET_TRACING_RATIO" }, { name: "OTEL_TRACES_SAMPLER_ARG" }],
    flag: tracingFlag("tracing-ratio", "string", "fraction of traces kept, 0..1"),
  },
  {
    key: "tracing.exporter",
    defaultText: "otlp when an endpoint is configured, else file",
    description: "comma-separated: otlp, console, file, none",
    parse: listOf(EXPORTER_NAMES),
    env: [{ name: "KODELET_TRACING_EXPORTER" }, { name: "OTEL_TRACES_EXPORTER" }],
  },
  {
    key: "tracing.endpoint",
    defaultText: "http://localhost:4318 (when the exporter is otlp)",
    description: "OTLP/HTTP base endpoint; /v1/traces is appended (as OTEL_EXPORTER_OTLP_ENDPOINT)",
    parse: httpUrl,
    transform: tracesUrlFromBase,
    env: [
      { name: "KODELET_TRACING_ENDPOINT", transform: tracesUrlFromBase },
      { name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" },
      { name: "OTEL_EXPORTER_OTLP_ENDPOINT", transform: tracesUrlFromBase },
    ],
  },
  {
    key: "tracing.protocol",
    default: "http/protobuf",
    description: "http/protobuf (default) | http/json",
    parse: oneOf(OTLP_PROTOCOLS),
    env: [
      { name: "KODELET_TRACING_PROTOCOL" },
      { name: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" },
      { name: "OTEL_EXPORTER_OTLP_PROTOCOL" },
    ],
  },
  {
    key: "tracing.headers",
    default: {},
    description: "headers sent with every export, key=value list (percent-decoded) or a YAML map",
    parse: keyValueList,
    env: [
      { name: "KODELET_TRACING_HEADERS" },
      { name: "OTEL_EXPORTER_OTLP_TRACES_HEADERS" },
      { name: "OTEL_EXPORTER_OTLP_HEADERS" },
    ],
    secret: true,
  },
  {
    key: "tracing.timeout",
    default: 10_000,
    defaultText: "10000 (ms)",
    description: "time limit of one export request (a number is milliseconds, as in OTEL_*_TIMEOUT)",
    parse: duration("ms", 3_600_000, 1),
    env: [{ name: "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT" }, { name: "OTEL_EXPORTER_OTLP_TIMEOUT" }],
  },
  {
    key: "tracing.compression",
    default: "none",
    description: "gzip | none",
    parse: oneOf(["gzip", "none"] as const),
    env: [{ name: "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION" }, { name: "OTEL_EXPORTER_OTLP_COMPRESSION" }],
  },
  {
    key: "tracing.certificate",
    description: "PEM file of the CA that signs the collector's certificate",
    parse: nonEmptyString,
    env: [{ name: "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE" }, { name: "OTEL_EXPORTER_OTLP_CERTIFICATE" }],
  },
  {
    key: "tracing.client_certificate",
    description: "PEM file of the client certificate for mTLS",
    parse: nonEmptyString,
    env: [
      { name: "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE" },
      { name: "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE" },
    ],
  },
  {
    key: "tracing.client_key",
    description: "PEM file of the client private key for mTLS",
    parse: nonEmptyString,
    env: [{ name: "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY" }, { name: "OTEL_EXPORTER_OTLP_CLIENT_KEY" }],
  },
  {
    key: "tracing.shutdown_timeout",
    project: "allow",
    default: 1000,
    defaultText: "1s",
    description: "how long kodelet may wait for spans to be delivered after a command ends",
    parse: duration("s", 60_000),
    env: [{ name: "KODELET_TRACING_SHUTDOWN_TIMEOUT" }],
  },
  {
    key: "tracing.delivery",
    default: "background",
    description:
      "background: exit at once and let a short-lived background kodelet send what is left; wait: wait up to tracing.shutdown_timeout",
    parse: oneOf(["background", "wait"] as const),
    env: [{ name: "KODELET_TRACING_DELIVERY" }],
  },
  {
    key: "tracing.service_name",
    defaultText: "kodelet",
    description: "service.name of the resource",
    parse: nonEmptyString,
    env: [{ name: "OTEL_SERVICE_NAME" }],
  },
  {
    key: "tracing.resource_attributes",
    default: {},
    description: "extra resource attributes, key=value list or a YAML map",
    parse: keyValueList,
    env: [{ name: "OTEL_RESOURCE_ATTRIBUTES" }],
  },
  {
    key: "tracing.capture_content",
    default: false,
    description: "record prompts, completions, commands and tool output in spans (redacted, truncated)",
    parse: boolean,
    env: [
      { name: "KODELET_TRACING_CAPTURE_CONTENT" },
      { name: "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT" },
    ],
  },
  {
    key: "tracing.capture_max_bytes",
    project: "allow",
    default: 4096,
    description: "size limit of one captured content attribute",
    parse: integerBetween(64, 1_048_576),
    env: [{ name: "KODELET_TRACING_CAPTURE_MAX_BYTES" }],
  },
  {
    key: "tracing.batch.schedule_delay",
    project: "allow",
    default: 1000,
    description: "delay between two batch exports (a number is milliseconds)",
    parse: duration("ms"),
    env: [{ name: "OTEL_BSP_SCHEDULE_DELAY" }],
  },
  {
    key: "tracing.batch.export_timeout",
    project: "allow",
    default: 10_000,
    description: "time limit of one batch export (a number is milliseconds)",
    parse: duration("ms"),
    env: [{ name: "OTEL_BSP_EXPORT_TIMEOUT" }],
  },
  {
    key: "tracing.batch.max_queue_size",
    project: "allow",
    default: 2048,
    description: "spans kept in memory before new ones are dropped",
    parse: integerBetween(1, 1_000_000),
    env: [{ name: "OTEL_BSP_MAX_QUEUE_SIZE" }],
  },
  {
    key: "tracing.batch.max_export_batch_size",
    project: "allow",
    default: 512,
    description: "spans per export request",
    parse: integerBetween(1, 1_000_000),
    env: [{ name: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE" }],
  },
  {
    key: "tracing.store.max_traces",
    default: 200,
    description: "traces kept in the local store",
    parse: integerBetween(1, 1_000_000),
    env: [{ name: "KODELET_TRACING_STORE_MAX_TRACES" }],
  },
  {
    key: "tracing.store.max_bytes",
    default: 100 * 1024 * 1024,
    description: "bytes kept in the local store",
    parse: integerBetween(1024, 1e12),
    env: [{ name: "KODELET_TRACING_STORE_MAX_BYTES" }],
  },
  {
    key: "tracing.spool.max_bytes",
    default: 50 * 1024 * 1024,
    description: "bytes of undelivered spans kept for the next start",
    parse: integerBetween(0, 1e12),
    env: [{ name: "KODELET_TRACING_SPOOL_MAX_BYTES" }],
  },
  {
    key: "mcp.servers",
    default: [],
    defaultText: "none",
    description:
      "MCP servers: a map from a name to {command, args, env, cwd} (stdio) or {url, headers} (HTTP); " +
      "${VAR} in them is read from the environment; enabled: false turns one off",
    parse: parseMcpServers,
    env: [],
    // A server entry is a program kodelet starts, or a URL its headers (tokens) go to.
    project: "trust",
  },
  {
    key: "mcp.timeout",
    default: 60_000,
    defaultText: "60s",
    description: "time limit of an MCP server's start-up and of each MCP tool call",
    parse: duration("s"),
    env: [{ name: "KODELET_MCP_TIMEOUT" }],
    project: "allow",
  },
  ...SIGNAL_KEYS,
];
