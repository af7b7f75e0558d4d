/**
 * The keys of the two other OpenTelemetry signals, metrics and log events. Each falls back to the
 * tracing key of the same meaning (endpoint, headers, protocol), so the two variables a Grafana Cloud
 * user already sets give all three signals.
 */
import {
  boolean,
  duration,
  httpUrl,
  keyValueList,
  listOf,
  oneOf,
  type Parser,
  ValueError,
} from "./values.ts";
import type { KeySpec } from "./keys.ts";

/** Exporters of metrics and log events (`file` is the local store beside the traces). */
export const SIGNAL_EXPORTER_NAMES = ["otlp", "console", "file", "none"] as const;

/** OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE values, lower-cased. */
export const TEMPORALITY_NAMES = ["delta", "cumulative", "lowmemory"] as const;

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; each signal appends its own path. */
export function signalUrlFromBase(signal: "metrics" | "logs"): (base: string) => string {
  return (base) => base.replace(/\/+$/, "") + `/v1/${signal}`;
}

const protocol: Parser<"http/protobuf" | "http/json"> = oneOf(["http/protobuf", "http/json"] as const);

/** OTEL_METRIC_EXPORT_INTERVAL is milliseconds; anything below a second would flood a backend. */
const exportInterval: Parser<number> = (raw) => {
  const ms = duration("ms", 24 * 3_600_000)(raw);
  if (ms < 1000) throw new ValueError("must be at least 1000 (ms)");
  return ms;
};

function signalKeys(signal: "metrics" | "logs"): KeySpec[] {
  const upper = signal.toUpperCase();
  const otelExporter = signal === "metrics" ? "OTEL_METRICS_EXPORTER" : "OTEL_LOGS_EXPORTER";
  const what = signal === "metrics" ? "metrics" : "log events";
  const toUrl = signalUrlFromBase(signal);
  return [
    {
      key: `${signal}.enabled`,
      defaultText: "tracing.enabled (so: on when an OTLP endpoint is configured)",
      description: `export ${what}; OTEL_SDK_DISABLED=true turns every signal off`,
      parse: boolean,
      env: [{ name: `KODELET_${upper}_ENABLED` }],
      // Like tracing.enabled: turning a signal on redirects nothing (endpoint and headers need trust).
      project: "allow",
    },
    {
      key: `${signal}.exporter`,
      defaultText: "otlp,file when an endpoint is configured, else file",
      description: `comma-separated: otlp, console, file (the local store kodelet usage reads), none`,
      parse: listOf(SIGNAL_EXPORTER_NAMES),
      env: [{ name: `KODELET_${upper}_EXPORTER` }, { name: otelExporter }],
    },
    {
      key: `${signal}.endpoint`,
      defaultText: "tracing.endpoint's base + /v1/" + signal,
      description: `OTLP/HTTP base endpoint of ${what}; /v1/${signal} is appended`,
      parse: httpUrl,
      transform: toUrl,
      env: [
        { name: `OTEL_EXPORTER_OTLP_${upper}_ENDPOINT` },
        { name: "KODELET_TRACING_ENDPOINT", transform: toUrl },
        { name: "OTEL_EXPORTER_OTLP_ENDPOINT", transform: toUrl },
      ],
    },
    {
      key: `${signal}.protocol`,
      defaultText: "tracing.protocol",
      description: "http/protobuf | http/json",
      parse: protocol,
      env: [{ name: `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL` }, { name: "OTEL_EXPORTER_OTLP_PROTOCOL" }],
    },
    {
      key: `${signal}.headers`,
      defaultText: "tracing.headers",
      description:
        `headers sent with every export of ${what}, key=value list (percent-decoded) or a YAML map`,
      parse: keyValueList,
      env: [{ name: `OTEL_EXPORTER_OTLP_${upper}_HEADERS` }, { name: "OTEL_EXPORTER_OTLP_HEADERS" }],
      secret: true,
    },
  ];
}

/** The table's part for metrics and log events (appended to KEYS). */
export const SIGNAL_KEYS: readonly KeySpec[] = [
  ...signalKeys("metrics"),
  {
    key: "metrics.export_interval",
    default: 60_000,
    defaultText: "60000 (ms)",
    description: "time between two exports during a long session (every run also exports when it ends)",
    parse: exportInterval,
    env: [{ name: "OTEL_METRIC_EXPORT_INTERVAL" }],
    project: "allow",
  },
  {
    key: "metrics.temporality",
    default: "delta",
    description: "delta (default: short runs add up without a per-process id) | cumulative | lowmemory",
    parse: oneOf(TEMPORALITY_NAMES),
    env: [{ name: "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE" }],
    project: "allow",
  },
  {
    key: "metrics.include_session_id",
    default: false,
    description:
      "add session.id (the conversation id) to metric attributes; high cardinality, off by default",
    parse: boolean,
    env: [{ name: "KODELET_METRICS_INCLUDE_SESSION_ID" }],
  },
  ...signalKeys("logs"),
];
