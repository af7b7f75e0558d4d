/** The `console` exporters of metrics and log records: one short line each on stderr. */
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import {
  AggregationTemporality,
  DataPointType,
  type PushMetricExporter,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";

function pairs(attributes: Record<string, unknown>): string {
  return Object.entries(attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(" ");
}

/** Metric points as lines: `metric <name> <value|count/sum> <unit> key=value ...`. */
export class ConsoleMetricLineExporter implements PushMetricExporter {
  constructor(private readonly writeLine: (line: string) => void) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    for (const scope of metrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          const value = metric.dataPointType === DataPointType.HISTOGRAM
            ? (() => {
              const histogram = point.value as { count: number; sum?: number };
              return `count=${histogram.count} sum=${histogram.sum ?? 0}`;
            })()
            : String(point.value);
          this.writeLine(
            `metric ${metric.descriptor.name} ${value} ${metric.descriptor.unit} ${pairs(point.attributes)}`
              .trimEnd(),
          );
        }
      }
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Log records as lines: `log <SEVERITY> <event name or body> trace_id=... key=value ...`. */
export class ConsoleLogLineExporter implements LogRecordExporter {
  constructor(private readonly writeLine: (line: string) => void) {}

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    for (const record of logs) {
      const what = record.eventName ?? String(record.body ?? "");
      const ids = record.spanContext ? { trace_id: record.spanContext.traceId } : {};
      this.writeLine(
        `log ${record.severityText ?? ""} ${what} ${pairs({ ...ids, ...record.attributes })}`.trimEnd(),
      );
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
