/**
 * The OTLP/HTTP metric exporter, built from the same two packages as the trace and log exporters
 * (@opentelemetry/otlp-exporter-base and -otlp-transformer 0.223.1). The published
 * @opentelemetry/exporter-metrics-otlp-* packages stop at 0.223.0, which pins sdk-metrics and core
 * 2.12.0 exactly: using them would load a second copy of both next to the 2.12.1 line kodelet pins.
 */
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from "@opentelemetry/otlp-exporter-base/node-http";
import {
  JsonMetricsSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
} from "@opentelemetry/otlp-transformer";
import type {
  AggregationTemporality,
  AggregationTemporalitySelector,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import type { MetricsConfig, OtlpConfig } from "../config/mod.ts";
import { temporalitySelector } from "./metrics.ts";
import { otlpHttpOptions } from "./otlp_options.ts";

/** Exports metrics over OTLP/HTTP in protobuf or JSON. */
export class OtlpMetricExporter extends OTLPExporterBase<ResourceMetrics> implements PushMetricExporter {
  readonly #select: AggregationTemporalitySelector;

  constructor(metrics: MetricsConfig, otlp: OtlpConfig) {
    const json = metrics.protocol === "http/json";
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(
          otlpHttpOptions(metrics.url, metrics.headers, otlp),
          "METRICS",
          "v1/metrics",
          {
            "Content-Type": json ? "application/json" : "application/x-protobuf",
          },
        ),
        json ? JsonMetricsSerializer : ProtobufMetricsSerializer,
        "otlp_http_metric_exporter",
        MetricsExporterMetricsHelper,
        undefined,
      ),
    );
    this.#select = temporalitySelector(metrics.temporality);
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return this.#select(type);
  }
}
