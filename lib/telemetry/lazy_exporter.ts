/**
 * An exporter that loads the real one on its first export. The OTLP exporters pull in Node's http,
 * zlib and stream modules (over 150 ms on our machines); a short command whose spans are handed to
 * the background sender at exit never exports in-process, and so never pays for them.
 */
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

/** Wraps `load`, called at most once, when the first batch is exported. */
export class LazyExporter implements SpanExporter {
  #loading: Promise<SpanExporter> | undefined;

  constructor(private readonly load: () => Promise<SpanExporter>) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#loading ??= this.load();
    this.#loading.then(
      (exporter) => exporter.export(spans, resultCallback),
      (error) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  async shutdown(): Promise<void> {
    if (this.#loading) await (await this.#loading).shutdown();
  }

  async forceFlush(): Promise<void> {
    if (this.#loading) await (await this.#loading).forceFlush?.();
  }
}
