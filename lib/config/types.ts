import type { McpServerConfig } from "./mcp.ts";

/** The one validated configuration every part of kodelet receives. */

/** Where spans go. */
export type ExporterName = "otlp" | "console" | "file" | "none";

/** How spans are encoded on the wire to an OTLP/HTTP endpoint. */
export interface OtlpConfig {
  /** Full URL of the traces endpoint, e.g. https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/traces */
  tracesUrl: string;
  protocol: "http/protobuf" | "http/json";
  headers: Record<string, string>;
  timeoutMs: number;
  compression: "gzip" | "none";
  /** PEM contents, read at configuration time so that a missing file is a usage error. */
  tls: { ca?: string; cert?: string; key?: string };
}

/** Tracing, exporters and the local trace store. */
export interface TracingConfig {
  enabled: boolean;
  sampler: "always" | "never" | "ratio";
  ratio: number;
  exporters: ExporterName[];
  otlp: OtlpConfig;
  /** Whether an endpoint was configured at all (it decides the default exporter). */
  endpointConfigured: boolean;
  shutdownTimeoutMs: number;
  /** background: spans not delivered at exit go to the spool and a detached kodelet sends them. */
  delivery: "background" | "wait";
  serviceName: string;
  resourceAttributes: Record<string, string>;
  captureContent: boolean;
  captureMaxBytes: number;
  batch: {
    scheduleDelayMs: number;
    exportTimeoutMs: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
  };
  /** W3C trace context handed to us by whoever started kodelet (TRACEPARENT / TRACESTATE). */
  parent: { traceparent?: string; tracestate?: string };
  storeDir: string;
  storeMaxTraces: number;
  storeMaxBytes: number;
  spoolMaxBytes: number;
}

/** Metrics or log events: where they go, falling back to tracing's endpoint, headers and protocol. */
export interface SignalConfig {
  enabled: boolean;
  exporters: ExporterName[];
  /** Full URL, e.g. https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/metrics */
  url: string;
  protocol: OtlpConfig["protocol"];
  headers: Record<string, string>;
}

/** Metrics: the signal plus how points are aggregated and exported. */
export interface MetricsConfig extends SignalConfig {
  exportIntervalMs: number;
  temporality: "delta" | "cumulative" | "lowmemory";
  includeSessionId: boolean;
}

/** The LLM side. */
export interface LlmConfig {
  provider: "anthropic" | "openai";
  /** Unset means the provider's default model. */
  model: string | undefined;
  maxTokens: number;
  maxTurns: number;
  temperature: number | undefined;
  thinkingBudgetTokens: number;
  maxRetries: number;
  /** Limit until the first streamed chunk (llm.request_timeout). */
  requestTimeoutMs: number;
  /** Limit between two streamed chunks (llm.stream_idle_timeout). */
  streamIdleTimeoutMs: number;
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined };
  openai: { apiKey: string | undefined; baseUrl: string | undefined };
}

/** MCP servers, whose tools the model is offered next to the built-in ones. */
export interface McpConfig {
  /** Every configured server, disabled ones included (`mcp list` shows them); `${VAR}` already expanded. */
  servers: McpServerConfig[];
  /** Bound of a server's start-up and of each tool call. */
  timeoutMs: number;
}

/** Context-window management: project rules and compaction. */
export interface ContextConfig {
  /** context.window; unset means the model's own window from the table. */
  window: number | undefined;
  compactRatio: number;
  /** Unset: the session's model writes the summary. */
  compactModel: string | undefined;
  /** Whether the project rules files go into the system prompt. */
  rules: boolean;
}

/** Tool settings. */
export interface ToolsConfig {
  bash: {
    /** Credential-looking variables the bash tool passes on anyway (see lib/tools/child_env.ts). */
    envPassthrough: string[];
  };
}

/** Logging. */
export interface LogConfig {
  level: "debug" | "info" | "warn" | "error" | "off";
  format: "text" | "json";
  file: string | undefined;
}

/** A rule as configured: its text and where it came from (a config file, --allow, --deny). */
export interface RuleEntry {
  rule: string;
  source: string;
}

/** Permissions as configured; the permission engine (lib/tools/permissions) parses the rules. */
export interface PermissionsConfig {
  mode: "ask" | "accept-edits" | "read-only" | "yolo";
  allow: RuleEntry[];
  deny: RuleEntry[];
  /** Run bash under bubblewrap (lib/tools/sandbox.ts). */
  sandbox: boolean;
  /** Let commands in the sandbox use the network. */
  sandboxNetwork: boolean;
}

/** Everything, validated. */
export interface Config {
  basePath: string;
  cwd: string;
  /** The list of trusted project directories (see lib/config/trust.ts). */
  trustFile: string;
  tracing: TracingConfig;
  metrics: MetricsConfig;
  logs: SignalConfig;
  llm: LlmConfig;
  context: ContextConfig;
  tools: ToolsConfig;
  log: LogConfig;
  permissions: PermissionsConfig;
  mcp: McpConfig;
  /** Every secret value we were given, so that redaction can remove them from anything recorded. */
  secrets: string[];
  /** Non-fatal findings (unknown keys in a config file ...), for the logger. */
  warnings: string[];
}
