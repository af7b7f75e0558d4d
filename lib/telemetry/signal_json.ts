/**
 * The OTLP/JSON serializers of metrics and logs alone, as json_serializer.ts does it for spans: the
 * spool and the local store need only JSON, and otlp-transformer's front door would also load the
 * protobuf encoders. deno.json maps the two sub-paths to the package's files of these serializers.
 */
export { JsonMetricsSerializer } from "@opentelemetry/otlp-transformer/metrics-json";
export { JsonLogsSerializer } from "@opentelemetry/otlp-transformer/logs-json";
