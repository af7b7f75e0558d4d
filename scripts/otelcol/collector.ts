/**
 * A real OpenTelemetry Collector for end-to-end tests, set up like Grafana Cloud's OTLP gateway:
 * OTLP over HTTP under `/otlp`, HTTP Basic auth in front, and every accepted span written to a
 * JSON-lines file that the test reads back.
 *
 * The collector is built from scripts/otelcol/builder-config.yaml by scripts/otelcol/build.sh (once,
 * into a cache outside the repository) and run with scripts/otelcol/config.yaml.
 *
 * ```ts
 * const binary = await collectorBinary();
 * if (binary === null) console.log(`skipped: ${collectorUnavailableReason()}`);
 * await using collector = await startCollector({ user: "123456", password: "glc_token" });
 * // OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint, OTEL_EXPORTER_OTLP_HEADERS=collector.authHeader
 * const spans = await collector.waitForSpans(3);
 * ```
 *
 * @module
 */
import { type AttributeMap, attributeMap, spansOfRequest } from "../../lib/trace_store/otlp_json.ts";
import { textDecoder } from "../../lib/cli/line_reader.ts";

export interface CollectorOptions {
  user: string;
  password: string;
  /** Keep the temporary directory (config, output file) after stop(); default false. */
  keepFiles?: boolean;
  /** How long startCollector waits for the port to accept connections; default 30 000 ms. */
  startTimeoutMs?: number;
}

/** An attribute value of an OTLP AnyValue, as plain JS (the trace store's model). */
export type { AttributeValue } from "../../lib/trace_store/otlp_json.ts";
/** Attributes by key. */
export type Attributes = AttributeMap;

export interface CollectedEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

/** One span as the collector wrote it, flattened out of its resource and scope. */
export interface CollectedSpan {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** Decimal strings: nanoseconds do not fit a JS number. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error; message "" when none. */
  status: { code: number; message: string };
  events: CollectedEvent[];
  /** The resource's attributes (service.name, ...). */
  resource: Attributes;
  scopeName: string;
  scopeVersion: string;
}

export interface RunningCollector {
  /** http://127.0.0.1:PORT/otlp: what a Grafana Cloud user puts in OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  /** endpoint + "/v1/traces". */
  tracesUrl: string;
  port: number;
  /** The OTEL_EXPORTER_OTLP_HEADERS value: `Authorization=Basic%20<base64 of user:password>`. */
  authHeader: string;
  /** The Authorization header value itself: `Basic <base64 of user:password>`. */
  authorization: string;
  /** JSON lines, one OTLP/JSON ExportTraceServiceRequest per line. */
  outputFile: string;
  /** The metrics and logs pipelines' files: one OTLP/JSON export request per line. */
  metricsFile: string;
  logsFile: string;
  /** The complete export requests in the metrics or logs file so far (read them before stop()). */
  readRequests(signal: "metrics" | "logs"): Promise<unknown[]>;
  /** The spans written so far (after stop(): the final ones, even when the file is gone). */
  readSpans(): Promise<CollectedSpan[]>;
  /** Polls until at least `count` spans are in the file; throws after timeoutMs (default 15 000). */
  waitForSpans(count: number, timeoutMs?: number): Promise<CollectedSpan[]>;
  /** The collector's stdout and stderr so far (its log, including the debug exporter's lines). */
  logs(): string;
  /** Stops the collector (SIGTERM, which flushes the file), then removes the temp directory. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const here = new URL(".", import.meta.url);
const buildScript = filePath(new URL("build.sh", here));
const configTemplate = filePath(new URL("config.yaml", here));

/** build.sh's exit status for "Go is not installed". */
const GO_MISSING = 69;

let binaryPromise: Promise<string | null> | undefined;
let unavailableReason: string | null = null;

/**
 * The collector binary's path, building it on first use (minutes) and reusing it afterwards
 * (KODELET_OTELCOL_BIN, when set, names a binary to use instead). Null when it cannot be built
 * here because Go (or bash) is missing: collectorUnavailableReason() then says why. Throws when
 * the build itself fails. Memoized for the process.
 */
export function collectorBinary(): Promise<string | null> {
  binaryPromise ??= locateBinary();
  return binaryPromise;
}

/** Why the last collectorBinary() returned null; null when it did not. */
export function collectorUnavailableReason(): string | null {
  return unavailableReason;
}

async function locateBinary(): Promise<string | null> {
  const fromEnv = Deno.env.get("KODELET_OTELCOL_BIN");
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;

  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("bash", {
      args: [buildScript],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      unavailableReason = "bash is not installed, so scripts/otelcol/build.sh cannot run";
      return null;
    }
    throw error;
  }
  // Show the script's own progress lines (a first build takes minutes), keep everything for errors.
  const stderrLog = new BoundedLog();
  const stdoutLog = new BoundedLog();
  const [status] = await Promise.all([
    child.status,
    drain(child.stdout, stdoutLog),
    drain(child.stderr, stderrLog, (line) => {
      if (line.startsWith("kodelet-otelcol:")) console.error(line);
    }),
  ]);
  if (status.code === GO_MISSING) {
    unavailableReason = lastLine(stderrLog.text()) || "Go is not installed";
    return null;
  }
  if (!status.success) {
    throw new Error(
      `scripts/otelcol/build.sh failed with exit code ${status.code}:\n${tail(stderrLog.text(), 4000)}`,
    );
  }
  const binary = lastLine(stdoutLog.text());
  if (binary === "") throw new Error("scripts/otelcol/build.sh printed no binary path");
  unavailableReason = null;
  return binary;
}

/**
 * Starts the collector on a free port of 127.0.0.1 with a fresh temp directory for its config and
 * output, and resolves once the port accepts connections (by then the exporters have started).
 * Throws with the collector's log when it exits or does not listen in time.
 */
export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  if (options.user === "" || /[:\r\n]/.test(options.user) || /[\r\n]/.test(options.password)) {
    throw new Error("the collector's htpasswd needs a non-empty user without ':' and no line breaks");
  }
  const binary = await collectorBinary();
  if (binary === null) {
    throw new Error(`the test collector is not available: ${unavailableReason ?? "unknown reason"}`);
  }
  let lastError: unknown;
  // A port picked as free can be taken before the collector binds it: try a new one then.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof Error) || !/address already in use/i.test(error.message)) throw error;
    }
  }
  throw lastError;
}

async function startOnce(binary: string, options: CollectorOptions): Promise<RunningCollector> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "kodelet-otelcol-" });
  const configFile = `${dir}/config.yaml`;
  const outputFile = `${dir}/spans.jsonl`;
  const metricsFile = `${dir}/metrics.jsonl`;
  const logsFile = `${dir}/logs.jsonl`;
  await Deno.copyFile(configTemplate, configFile);

  const log = new BoundedLog();
  const child = new Deno.Command(binary, {
    args: ["--config", configFile],
    env: {
      KODELET_OTELCOL_PORT: String(port),
      // The collector expands ${...} inside these values again; "$$" is its escape for "$".
      KODELET_OTELCOL_USER: options.user.replaceAll("$", "$$$$"),
      KODELET_OTELCOL_PASSWORD: options.password.replaceAll("$", "$$$$"),
      KODELET_OTELCOL_OUTPUT: outputFile,
      KODELET_OTELCOL_METRICS_OUTPUT: metricsFile,
      KODELET_OTELCOL_LOGS_OUTPUT: logsFile,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const drained = Promise.all([drain(child.stdout, log), drain(child.stderr, log)]);
  let exited: Deno.CommandStatus | null = null;
  const statusPromise = child.status.then((status) => {
    exited = status;
    return status;
  });

  const shutdown = async (): Promise<void> => {
    if (exited === null) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, 10_000);
      await statusPromise;
      clearTimeout(timer);
    } else {
      await statusPromise;
    }
    await drained;
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) {
      await shutdown();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      const status: Deno.CommandStatus = exited;
      throw new Error(
        `the collector exited with code ${status.code} before listening on 127.0.0.1:${port}:\n` +
          tail(log.text(), 4000),
      );
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await shutdown();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      const output = tail(log.text(), 4000);
      throw new Error(`the collector did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }

  const endpoint = `http://127.0.0.1:${port}/otlp`;
  const token = btoa(String.fromCharCode(...new TextEncoder().encode(`${options.user}:${options.password}`)));
  let finalSpans: CollectedSpan[] | null = null;
  let stopping: Promise<void> | null = null;

  const readSpans = async (): Promise<CollectedSpan[]> => {
    if (finalSpans !== null) return finalSpans;
    let text: string;
    try {
      text = await Deno.readTextFile(outputFile);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    return parseSpanLines(text);
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await shutdown();
      finalSpans = await readSpans();
      if (options.keepFiles !== true) await Deno.remove(dir, { recursive: true }).catch(() => {});
    })();
    return stopping;
  };

  return {
    endpoint,
    tracesUrl: `${endpoint}/v1/traces`,
    port,
    authHeader: `Authorization=Basic%20${token}`,
    authorization: `Basic ${token}`,
    outputFile,
    metricsFile,
    logsFile,
    async readRequests(signal) {
      let text: string;
      try {
        text = await Deno.readTextFile(signal === "metrics" ? metricsFile : logsFile);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return [];
        throw error;
      }
      // A last line without its newline is still being written.
      return text.split("\n").slice(0, -1).filter((line) => line.trim() !== "").map((line) =>
        JSON.parse(line)
      );
    },
    readSpans,
    async waitForSpans(count: number, timeoutMs = 15_000): Promise<CollectedSpan[]> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const spans = await readSpans();
        if (spans.length >= count) return spans;
        if (Date.now() > until || finalSpans !== null) {
          throw new Error(
            `expected at least ${count} span(s) in ${outputFile} within ${timeoutMs} ms, found ${spans.length}` +
              (spans.length > 0 ? ` (${spans.map((span) => span.name).join(", ")})` : "") +
              `\ncollector log:\n${tail(log.text(), 4000)}`,
          );
        }
        await sleep(50);
      }
    },
    logs: () => log.text(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Parses the file exporter's output: one OTLP/JSON ExportTraceServiceRequest per line. A last line
 * without its newline is still being written and is left for the next read.
 */
export function parseSpanLines(text: string): CollectedSpan[] {
  const lines = text.split("\n");
  lines.pop(); // "" after the last newline, or an incomplete line
  const spans: CollectedSpan[] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    // The same OTLP/JSON decoder kodelet's own trace store reads its files with.
    for (const span of spansOfRequest(JSON.parse(line))) {
      spans.push({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        name: span.name,
        kind: span.kind,
        startTimeUnixNano: String(span.startNs),
        endTimeUnixNano: String(span.endNs),
        attributes: span.attributes,
        status: span.status,
        events: span.events.map((event) => ({
          name: event.name,
          timeUnixNano: String(event.timeNs),
          attributes: event.attributes,
        })),
        resource: attributeMap(span.resource.attributes),
        scopeName: typeof span.scope.name === "string" ? span.scope.name : "",
        scopeVersion: typeof span.scope.version === "string" ? span.scope.version : "",
      });
    }
  }
  return spans;
}

function filePath(url: URL): string {
  return decodeURIComponent(url.pathname);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

async function accepts(port: number): Promise<boolean> {
  try {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    connection.close();
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keeps the last `limit` characters of a process's output. */
class BoundedLog {
  #text = "";
  constructor(private readonly limit = 256 * 1024) {}
  append(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length > this.limit * 2) this.#text = this.#text.slice(-this.limit);
  }
  text(): string {
    return this.#text.length > this.limit ? this.#text.slice(-this.limit) : this.#text;
  }
}

async function drain(
  stream: ReadableStream<Uint8Array>,
  log: BoundedLog,
  onLine?: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(textDecoder())) {
    log.append(chunk);
    if (onLine === undefined) continue;
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  if (onLine !== undefined && pending !== "") onLine(pending);
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim();
}

function tail(text: string, chars: number): string {
  return text.length > chars ? `...${text.slice(-chars)}` : text;
}
