/**
 * The OTLP/JSON trace serializer alone. The package's front door also loads the metrics and logs
 * SDKs and the protobuf encoders (about 100-170 ms on our 2-core machines, once the trace SDK is
 * loaded), where this file costs 5-20 ms: the file exporter and the spool need only JSON. deno.json
 * maps `@opentelemetry/otlp-transformer/trace-json` to the package's file of that serializer.
 */
export { JsonTraceSerializer } from "@opentelemetry/otlp-transformer/trace-json";
