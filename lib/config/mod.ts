/**
 * Configuration: the YAML files, the environment and the flags, merged with the precedence
 * flags > environment > ./kodelet-config.yaml > <base_path>/config.yaml > defaults, and validated into
 * one typed Config. This folder is the only place that reads Deno.env.
 */
import { join, resolve } from "node:path";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { UsageError } from "../errors.ts";
import { escapeControl } from "../safe_text.ts";
import { nearest } from "../suggest.ts";
import { KEYS, type KeySpec, projectPolicy } from "./keys.ts";
import { isTrusted, trustDirectory, trustFilePath } from "./trust.ts";
import { expandMcpServers, mcpSecrets, type McpServerConfig } from "./mcp.ts";
import type {
  Config,
  ExporterName,
  LlmConfig,
  MetricsConfig,
  OtlpConfig,
  PermissionsConfig,
  RuleEntry,
  SignalConfig,
  TracingConfig,
} from "./types.ts";
import { ValueError } from "./values.ts";

export type {
  Config,
  ContextConfig,
  ExporterName,
  LlmConfig,
  LogConfig,
  McpConfig,
  MetricsConfig,
  OtlpConfig,
  PermissionsConfig,
  RuleEntry,
  SignalConfig,
  ToolsConfig,
  TracingConfig,
} from "./types.ts";
export type { McpHttpServer, McpServerConfig, McpStdioServer } from "./mcp.ts";
export { KEYS, PERMISSION_MODES, tracesUrlFromBase } from "./keys.ts";
export { httpUrl } from "./values.ts";
export {
  canonicalDirectory,
  readTrustedDirectories,
  revokeDirectory,
  trustDirectory,
  trustFilePath,
} from "./trust.ts";

/** Everything the loader reads, passed in so that tests can give their own. */
export interface ConfigInput {
  env: Record<string, string>;
  /** Flag values by flag name, as the command line parser produced them (repeatable flags: lists). */
  flags: Record<string, string | boolean | string[]>;
  cwd: string;
  home: string;
  /** File reader; tests may replace it. */
  readTextFile?: (path: string) => Promise<string | undefined>;
  /**
   * Asked when an untrusted project's config file sets keys that need trust (main.ts asks on a
   * terminal); true trusts the directory for good. Absent: the keys are ignored with a warning.
   */
  askTrust?: (dir: string, keys: string[]) => Promise<boolean>;
}

/** The process environment, read in one place. */
export function readEnvironment(): Record<string, string> {
  return Deno.env.toObject();
}

/** The user's home directory, from the environment. */
export function homeDirectory(env: Record<string, string>): string {
  return env.HOME ?? env.USERPROFILE ?? ".";
}

interface RawValue {
  value: unknown;
  source: string;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new UsageError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const keysByName = new Map(KEYS.map((spec) => [spec.key, spec]));

/** Flattens a YAML document into dotted keys, keeping maps whole where a key takes a map. */
function flattenYaml(
  document: unknown,
  path: string,
  warnings: string[],
  prefix = "",
  out = new Map<string, RawValue>(),
): Map<string, RawValue> {
  if (document === null || document === undefined) return out;
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new UsageError(`Invalid config file ${path}: the top level must be a map of keys`);
  }
  for (const [name, value] of Object.entries(document)) {
    const key = prefix === "" ? name : `${prefix}.${name}`;
    if (keysByName.has(key)) {
      out.set(key, { value, source: path });
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      flattenYaml(value, path, warnings, key, out);
    } else {
      const near = nearest(key, keysByName.keys());
      warnings.push(
        `Unknown key "${escapeControl(key)}" in ${escapeControl(path)} (ignored)${
          near ? `: did you mean "${near}"?` : ""
        }`,
      );
    }
  }
  return out;
}

/** A config file is a few dozen keys; this bounds the time a hostile one can cost at start-up. */
const MAX_CONFIG_CHARS = 256 * 1024;

async function readYamlLayer(
  path: string,
  read: (path: string) => Promise<string | undefined>,
  warnings: string[],
): Promise<Map<string, RawValue>> {
  const text = await read(path);
  if (text === undefined) return new Map();
  if (text.length > MAX_CONFIG_CHARS) {
    throw new UsageError(
      `Invalid config file ${
        escapeControl(path)
      }: ${text.length} characters; a config file may have at most ` +
        `${MAX_CONFIG_CHARS} (is it the right file?)`,
    );
  }
  let document: unknown;
  try {
    // Loaded only when a config file exists: most runs have none, and start-up time matters.
    const yaml = await import("yaml");
    // The bundle the binary is compiled from hands this CommonJS package over as `default` only.
    const parseYaml = yaml.parse ?? (yaml as unknown as { default: typeof yaml }).default.parse;
    // The yaml package's duplicate-key check compares every key with every other one (a 400 KB file
    // took 17 s); without it parsing is linear, and a repeated key simply takes its last value.
    document = parseYaml(text, { uniqueKeys: false });
  } catch (error) {
    // The yaml package ends its first line with ":" before a code excerpt we leave out.
    const reason = (error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)).replace(
      /:\s*$/,
      "",
    );
    throw new UsageError(`Invalid YAML in ${path}: ${escapeControl(reason)}`);
  }
  return flattenYaml(document, path, warnings);
}

/** Shows a value in an error message; secrets show only their shape. */
function display(spec: KeySpec, value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  if (!spec.secret) return text;
  return text.replace(/=[^,]*/g, "=***").replace(/^[^=]+$/, "***");
}

function resolveOne(
  spec: KeySpec,
  input: ConfigInput,
  layers: Map<string, RawValue>[],
): { value: unknown; source: string } | undefined {
  const candidates: (RawValue & { transform?: (value: string) => string })[] = [];
  const flag = spec.flag ? input.flags[spec.flag.name] : undefined;
  if (flag !== undefined && spec.flag) {
    candidates.push({ value: flag, source: `--${spec.flag.name}`, ...transformOf(spec.transform) });
  } else {
    for (const env of spec.env) {
      const value = input.env[env.name];
      if (value !== undefined && value.trim() !== "") {
        candidates.push({ value, source: env.name, ...transformOf(env.transform) });
        break;
      }
    }
    if (candidates.length === 0) {
      for (const layer of layers) {
        const found = layer.get(spec.key);
        if (found) {
          candidates.push({ ...found, ...transformOf(spec.transform) });
          break;
        }
      }
    }
  }
  const winner = candidates[0];
  if (!winner) return undefined;
  try {
    let raw = winner.value;
    if (winner.transform && typeof raw === "string") raw = winner.transform(raw.trim());
    return { value: spec.parse(raw), source: winner.source };
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw invalidValue(spec, winner.value, winner.source, error);
  }
}

/** A list key whose entries from every source are joined: flags first, then ./kodelet-config.yaml, then the global file. */
function mergeList(spec: KeySpec, input: ConfigInput, layers: Map<string, RawValue>[]): RuleEntry[] {
  const entries: RuleEntry[] = [];
  const add = (value: unknown, source: string) => {
    try {
      for (const rule of spec.parse(value) as string[]) entries.push({ rule, source });
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      throw invalidValue(spec, value, source, error);
    }
  };
  const flag = spec.flag ? input.flags[spec.flag.name] : undefined;
  if (flag !== undefined && spec.flag) add(Array.isArray(flag) ? flag : [flag], `--${spec.flag.name}`);
  for (const env of spec.env) {
    const value = input.env[env.name];
    if (value !== undefined && value.trim() !== "") add(value, env.name);
  }
  for (const layer of layers) {
    const found = layer.get(spec.key);
    if (found) add(found.value, found.source);
  }
  return entries;
}

/** The one-line usage error for a refused value, naming the part of a structured value that was wrong. */
function invalidValue(spec: KeySpec, value: unknown, source: string, error: ValueError): UsageError {
  const part = error.part;
  if (part === undefined) {
    return new UsageError(`Invalid ${spec.key} "${display(spec, value)}" (from ${source}): ${error.message}`);
  }
  const text = part.secret
    ? "***"
    : typeof part.value === "string"
    ? part.value
    : JSON.stringify(part.value) ?? String(part.value);
  return new UsageError(`Invalid ${spec.key}.${part.path} "${text}" (from ${source}): ${error.message}`);
}

function transformOf(transform: ((value: string) => string) | undefined) {
  return transform ? { transform } : {};
}

/**
 * Env var names that carry credentials; their values are redacted wherever content is recorded.
 * Not SESSION or AUTH_SOCK/XAUTHORITY: those hold words and paths such as "ubuntu", "wayland" or
 * /run/user/1000/..., and redacting them would mangle every path and message that contains them.
 */
const CREDENTIAL_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTH(?!ORITY|_SOCK)|CREDENTIAL|COOKIE/i;

/**
 * The values of credential-like environment variables. main.ts redacts with these before the
 * configuration is loaded, so that even an error about the command line cannot echo a credential.
 */
export function environmentSecrets(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([name, value]) =>
      (CREDENTIAL_NAME.test(name) || URL_WITH_PASSWORD.test(value)) && value.length >= 6
    )
    .map(([, value]) => value);
}

/** A value that is a URL with a password in it: DATABASE_URL=postgres://user:pass@host/db and the like. */
export const URL_WITH_PASSWORD = /^\s*[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

function collectSecrets(env: Record<string, string>, values: Map<string, unknown>): string[] {
  const secrets = new Set<string>(environmentSecrets(env));
  for (const spec of KEYS) {
    if (!spec.secret) continue;
    const value = values.get(spec.key);
    if (typeof value === "string") secrets.add(value);
    if (value !== null && typeof value === "object") {
      for (const item of Object.values(value)) {
        if (typeof item !== "string" || item.length < 6) continue;
        secrets.add(item);
        // "Basic abc==" is sent whole, but the bare credential may show up elsewhere too.
        const bare = item.replace(/^(Basic|Bearer)\s+/i, "");
        if (bare.length >= 6) secrets.add(bare);
      }
    }
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

async function readPem(
  path: string | undefined,
  key: string,
  source: string | undefined,
  cwd: string,
): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await Deno.readTextFile(resolve(cwd, path));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `Invalid ${key} "${path}" (from ${source ?? "configuration"}): cannot read the file (${reason})`,
    );
  }
}

/**
 * What a project's config file may set: keys marked "allow" always, "trust" keys only in a trusted
 * directory, "never" keys not at all. Whatever is dropped is named in one warning line each.
 */
async function projectLayer(
  layer: Map<string, RawValue>,
  path: string,
  input: ConfigInput,
  trustFile: string,
  warnings: string[],
): Promise<Map<string, RawValue>> {
  const never = [...layer.keys()].filter((key) => policyOf(key) === "never");
  const needTrust = [...layer.keys()].filter((key) =>
    policyOf(key) === "trust" || (policyOf(key) === "tighten" && !turnsOn(key, layer.get(key)?.value))
  );
  for (const key of never) layer.delete(key);
  if (never.length > 0) {
    warnings.push(
      `Ignored ${never.join(", ")} in ${escapeControl(path)}: a project's config file may never set ` +
        `${never.length === 1 ? "it" : "them"}; put ${never.length === 1 ? "it" : "them"} in your own ` +
        "config.yaml or the environment",
    );
  }
  if (needTrust.length === 0 || await isTrusted(trustFile, input.cwd)) return layer;
  if (input.askTrust && await input.askTrust(input.cwd, needTrust)) {
    await trustDirectory(trustFile, input.cwd);
    return layer;
  }
  for (const key of needTrust) layer.delete(key);
  warnings.push(
    `Ignored ${needTrust.join(", ")} in ${escapeControl(path)}: this directory is not trusted ` +
      `(run "kodelet trust" in it to allow its config file to set ${needTrust.length === 1 ? "it" : "them"})`,
  );
  return layer;
}

/**
 * Whether a project sets a "tighten" key to true (allowed untrusted). A value that does not parse
 * counts as true, so that it stays in the layer and is reported as the bad value it is.
 */
function turnsOn(key: string, value: unknown): boolean {
  try {
    return keysByName.get(key)?.parse(value) === true;
  } catch {
    return true;
  }
}

function policyOf(key: string) {
  const spec = keysByName.get(key);
  return spec ? projectPolicy(spec) : "trust";
}

/** Loads and validates the configuration; throws UsageError with one clear line on any bad value. */
export async function loadConfig(input: ConfigInput): Promise<Config> {
  const read = input.readTextFile ?? readIfExists;
  const warnings: string[] = [];
  const envBase = input.env.KODELET_BASE_PATH?.trim();
  const defaultBase = envBase && envBase !== "" ? envBase : join(input.home, ".kodelet");
  const globalLayer = await readYamlLayer(join(defaultBase, "config.yaml"), read, warnings);
  const localPath = join(input.cwd, "kodelet-config.yaml");
  const trustFile = trustFilePath(defaultBase);
  const localLayer = await projectLayer(
    await readYamlLayer(localPath, read, warnings),
    localPath,
    input,
    trustFile,
    warnings,
  );
  const layers = [localLayer, globalLayer];

  const values = new Map<string, unknown>();
  const sources = new Map<string, string>();
  const lists = new Map<string, RuleEntry[]>();
  for (const spec of KEYS) {
    if (spec.merge) {
      lists.set(spec.key, mergeList(spec, input, layers));
      continue;
    }
    const resolved = resolveOne(spec, input, layers);
    if (resolved) {
      values.set(spec.key, resolved.value);
      sources.set(spec.key, resolved.source);
    }
  }
  // Defaults live in the key table, so that the README's reference (generated from it) stays true.
  const get = <T>(key: string, fallback?: T): T =>
    (values.has(key) ? values.get(key) : keysByName.get(key)?.default ?? fallback) as T;
  const optional = <T>(key: string): T | undefined => values.get(key) as T | undefined;

  const basePath = get("base_path", defaultBase);
  const endpoint = optional<string>("tracing.endpoint");
  const explicitEnabled = optional<boolean>("tracing.enabled");
  const sdkDisabled = (input.env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() === "true";
  const enabled = sdkDisabled ? false : explicitEnabled ?? endpoint !== undefined;
  const exporters = get<ExporterName[]>("tracing.exporter", endpoint !== undefined ? ["otlp"] : ["file"]);
  const logLevel = input.flags.verbose === true ? "debug" : get<Config["log"]["level"]>("log.level");
  const shutdownTimeoutMs = get<number>("tracing.shutdown_timeout");
  const resourceAttributes = get<Record<string, string>>("tracing.resource_attributes", {});

  const tls: { ca?: string; cert?: string; key?: string } = {};
  const pem = (key: string) => readPem(optional(key), key, sources.get(key), input.cwd);
  const ca = await pem("tracing.certificate");
  const cert = await pem("tracing.client_certificate");
  const key = await pem("tracing.client_key");
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;

  const parent: { traceparent?: string; tracestate?: string } = {};
  const traceparent = input.env.TRACEPARENT?.trim();
  const tracestate = input.env.TRACESTATE?.trim();
  if (traceparent) parent.traceparent = traceparent;
  if (tracestate) parent.tracestate = tracestate;

  const thinkingBudget = get<number>("thinking_budget_tokens");
  const maxTokens = get<number>("max_tokens");
  // Only a budget someone set is checked: the default is left out of requests it does not fit.
  if (
    sources.has("thinking_budget_tokens") && thinkingBudget > 0 &&
    (thinkingBudget < 1024 || thinkingBudget >= maxTokens)
  ) {
    throw new UsageError(
      `Invalid thinking_budget_tokens "${thinkingBudget}" (from ${sources.get("thinking_budget_tokens")}): ` +
        `must be 0 (off) or between 1024 and max_tokens - 1 (max_tokens is ${maxTokens})`,
    );
  }

  let mode = get<PermissionsConfig["mode"]>("permissions.mode");
  if (input.flags.yolo === true) {
    if (input.flags["permission-mode"] !== undefined && mode !== "yolo") {
      throw new UsageError(
        `Invalid --permission-mode "${mode}" (from the command line): --yolo asks for yolo mode; give one or the other`,
      );
    }
    mode = "yolo";
  }

  const protocol = get<OtlpConfig["protocol"]>("tracing.protocol");
  const headers = get<Record<string, string>>("tracing.headers");
  // Metrics and logs follow tracing's endpoint and headers, except where those came from a
  // traces-only variable (OTEL_EXPORTER_OTLP_TRACES_*), which the spec keeps to traces.
  const tracesOnly = (key: string) => sources.get(key)?.startsWith("OTEL_EXPORTER_OTLP_TRACES_") === true;
  const signal = (name: "metrics" | "logs"): SignalConfig => {
    const own = optional<string>(`${name}.endpoint`);
    const fromTracing = endpoint !== undefined && !tracesOnly("tracing.endpoint")
      ? endpoint.replace(/\/v1\/traces$/, `/v1/${name}`)
      : undefined;
    const url = own ?? fromTracing;
    return {
      enabled: sdkDisabled ? false : optional<boolean>(`${name}.enabled`) ?? enabled,
      exporters: get<ExporterName[]>(`${name}.exporter`, url !== undefined ? ["otlp", "file"] : ["file"]),
      url: url ?? `http://localhost:4318/v1/${name}`,
      protocol: optional<OtlpConfig["protocol"]>(`${name}.protocol`) ??
        (tracesOnly("tracing.protocol") ? "http/protobuf" : protocol),
      headers: optional<Record<string, string>>(`${name}.headers`) ??
        (tracesOnly("tracing.headers") ? {} : headers),
    };
  };
  const metrics: MetricsConfig = {
    ...signal("metrics"),
    exportIntervalMs: get<number>("metrics.export_interval"),
    temporality: get<MetricsConfig["temporality"]>("metrics.temporality"),
    includeSessionId: get<boolean>("metrics.include_session_id"),
  };
  let mcpServers = get<McpServerConfig[]>("mcp.servers");
  try {
    mcpServers = expandMcpServers(mcpServers, input.env);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    const spec = keysByName.get("mcp.servers") as KeySpec;
    throw invalidValue(spec, undefined, sources.get("mcp.servers") ?? "configuration", error);
  }

  return {
    basePath,
    cwd: input.cwd,
    permissions: {
      mode,
      allow: lists.get("permissions.allow") ?? [],
      deny: lists.get("permissions.deny") ?? [],
      sandbox: get<boolean>("permissions.sandbox"),
      sandboxNetwork: get<boolean>("permissions.sandbox_network"),
    },
    metrics,
    logs: signal("logs"),
    trustFile,
    tracing: {
      enabled,
      sampler: get<TracingConfig["sampler"]>("tracing.sampler"),
      ratio: get<number>("tracing.ratio"),
      exporters,
      endpointConfigured: endpoint !== undefined,
      otlp: {
        tracesUrl: endpoint ?? "http://localhost:4318/v1/traces",
        protocol,
        headers,
        // An export may never outlive the shutdown bound, whatever OTEL_EXPORTER_OTLP_TIMEOUT says.
        timeoutMs: get<number>("tracing.timeout"),
        compression: get<OtlpConfig["compression"]>("tracing.compression"),
        tls,
      },
      shutdownTimeoutMs,
      delivery: get<"background" | "wait">("tracing.delivery"),
      // OTEL_SERVICE_NAME wins over a service.name inside OTEL_RESOURCE_ATTRIBUTES, as the spec says.
      serviceName: optional<string>("tracing.service_name") ?? resourceAttributes[ATTR_SERVICE_NAME] ??
        "kodelet",
      resourceAttributes,
      captureContent: get<boolean>("tracing.capture_content"),
      captureMaxBytes: get<number>("tracing.capture_max_bytes"),
      batch: {
        scheduleDelayMs: get<number>("tracing.batch.schedule_delay"),
        exportTimeoutMs: get<number>("tracing.batch.export_timeout"),
        maxQueueSize: get<number>("tracing.batch.max_queue_size"),
        maxExportBatchSize: get<number>("tracing.batch.max_export_batch_size"),
      },
      parent,
      storeDir: join(basePath, "traces"),
      storeMaxTraces: get<number>("tracing.store.max_traces"),
      storeMaxBytes: get<number>("tracing.store.max_bytes"),
      spoolMaxBytes: get<number>("tracing.spool.max_bytes"),
    },
    llm: {
      provider: get<LlmConfig["provider"]>("provider"),
      model: optional("model"),
      maxTokens: get<number>("max_tokens"),
      maxTurns: get<number>("max_turns"),
      temperature: optional("temperature"),
      thinkingBudgetTokens: get<number>("thinking_budget_tokens"),
      maxRetries: get<number>("max_retries"),
      requestTimeoutMs: get<number>("llm.request_timeout"),
      streamIdleTimeoutMs: get<number>("llm.stream_idle_timeout"),
      anthropic: { apiKey: optional("anthropic.api_key"), baseUrl: optional("anthropic.base_url") },
      openai: { apiKey: optional("openai.api_key"), baseUrl: optional("openai.base_url") },
    },
    context: {
      window: optional("context.window"),
      compactRatio: get<number>("context.compact_ratio"),
      compactModel: optional("context.compact_model"),
      rules: get<boolean>("context.rules"),
    },
    tools: { bash: { envPassthrough: get<string[]>("tools.bash.env_passthrough") } },
    log: { level: logLevel, format: get<Config["log"]["format"]>("log.format"), file: optional("log.file") },
    mcp: { servers: mcpServers, timeoutMs: get<number>("mcp.timeout") },
    secrets: [...new Set([...collectSecrets(input.env, values), ...mcpSecrets(mcpServers, CREDENTIAL_NAME)])]
      .sort((a, b) => b.length - a.length),
    warnings,
  };
}
