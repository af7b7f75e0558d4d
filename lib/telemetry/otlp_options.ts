/**
 * The options every OTLP exporter of kodelet takes (traces, metrics, logs). Loaded with the exporters,
 * at the first export: otlp-exporter-base is one of the packages a short command never loads.
 */
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import type { OtlpConfig } from "../config/mod.ts";

/** An OTLP/HTTP exporter's options for one signal's URL and headers. */
export function otlpHttpOptions(url: string, headers: Record<string, string>, otlp: OtlpConfig) {
  return {
    url,
    headers: { ...headers },
    timeoutMillis: otlp.timeoutMs,
    compression: otlp.compression === "gzip" ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    ...(Object.keys(otlp.tls).length > 0 ? { httpAgentOptions: { ...otlp.tls } } : {}),
  };
}
