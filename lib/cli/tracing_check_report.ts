/**
 * What `kodelet tracing check` says: the setup it checks, and the verdict on the test span with what
 * to change, one sentence per line. Sending the span is telemetry's job (loaded only when this runs).
 */
import type { Config } from "../config/mod.ts";
import {
  CHECK_SPAN_NAME,
  checkEndpoint,
  type Fetch,
  safeUrl,
  type SendOutcome,
  spoolStatusOf,
} from "../telemetry/mod.ts";

import { formatCount } from "./format.ts";

/** What the check found: whether the span arrived, and the report, one sentence per line. */
export interface CheckResult {
  delivered: boolean;
  outcome: SendOutcome;
  traceId: string;
  lines: string[];
}

/** Replaceable parts of the check. */
export interface CheckOptions {
  fetch?: Fetch;
  signal?: AbortSignal;
  /** Receives each line as soon as it is known, so the setup shows while the request is under way. */
  onLine?: (line: string) => void;
}

/** "Basic dXNl…": the scheme and the first few characters, enough to recognise, too few to use. */
export function previewSecret(value: string): string {
  const match = /^(\S+)\s+(\S.*)$/.exec(value.trim());
  const [scheme, secret] = match ? [`${match[1]} `, match[2] ?? ""] : ["", value.trim()];
  const shown = Math.min(4, Math.floor(secret.length / 4));
  return `${scheme}${secret.slice(0, shown)}…`;
}

function headerNamed(headers: Record<string, string>, name: string): [string, string] | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
}

function authAdvice(config: Config): string[] {
  const auth = headerNamed(config.tracing.otlp.headers, "authorization");
  const grafana = 'For Grafana Cloud it is "Basic " and the base64 of <instance id>:<token>: ' +
    "OTEL_EXPORTER_OTLP_HEADERS=Authorization=Basic%20<base64>";
  if (!auth) {
    return [
      "No Authorization header is sent: set one in OTEL_EXPORTER_OTLP_HEADERS (or tracing.headers).",
      grafana,
    ];
  }
  return [
    `Check the Authorization header: kodelet sends ${auth[0]}: ${previewSecret(auth[1])} (shortened), ` +
    "from OTEL_EXPORTER_OTLP_HEADERS or tracing.headers.",
    grafana,
  ];
}

function pathAdvice(url: string): string[] {
  const lines = [`Check the endpoint path: kodelet sends to ${safeUrl(url)}.`];
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // shown as is above
  }
  if (parsed && /\/v1\/traces\/v1\/traces$/.test(parsed.pathname)) {
    lines.push(
      "The path has /v1/traces twice: OTEL_EXPORTER_OTLP_ENDPOINT takes the base URL and kodelet appends " +
        "/v1/traces (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT takes the full URL).",
    );
  }
  lines.push(
    "For Grafana Cloud the endpoint ends in /otlp: " +
      "OTEL_EXPORTER_OTLP_ENDPOINT=https://otlp-gateway-<zone>.grafana.net/otlp",
  );
  return lines;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The verdict and what to do about it. */
function explain(
  outcome: SendOutcome,
  partial: { message: string } | undefined,
  config: Config,
  traceId: string,
  protocol: string,
): { delivered: boolean; lines: string[] } {
  const otlp = config.tracing.otlp;
  const url = otlp.tracesUrl;
  const ms = `${Math.round(outcome.ms)} ms`;
  switch (outcome.kind) {
    case "delivered": {
      if (partial) {
        return {
          delivered: false,
          lines: [
            `Not delivered: the endpoint answered HTTP ${outcome.status} but rejected the span` +
            (partial.message ? `: ${partial.message}` : "."),
          ],
        };
      }
      return {
        delivered: true,
        lines: [
          `Delivered: the endpoint accepted a test span in ${ms} (HTTP ${outcome.status}).`,
          `Look for trace ${traceId} (span "${CHECK_SPAN_NAME}") in your tracing backend.`,
        ],
      };
    }
    case "http": {
      const status = outcome.status;
      const said = outcome.message ? ` It said: ${outcome.message}` : "";
      if (status === 401 || status === 403) {
        const what = status === 401 ? "401 Unauthorized" : "403 Forbidden";
        return {
          delivered: false,
          lines: [
            `Not delivered: the endpoint refused the credentials (HTTP ${what}).${said}`,
            ...authAdvice(config),
          ],
        };
      }
      if (status === 404) {
        return {
          delivered: false,
          lines: [`Not delivered: nothing answers at this path (HTTP 404).`, ...pathAdvice(url)],
        };
      }
      if (status === 429 || status === 503) {
        const retry = outcome.retryAfter ? ` (it asks to retry after ${outcome.retryAfter}s)` : "";
        return {
          delivered: false,
          lines: [
            `Not delivered: the endpoint is overloaded or rate-limiting (HTTP ${status})${retry}.${said}`,
            "Try again later; kodelet keeps spans it could not deliver in the spool and sends them with a later run.",
          ],
        };
      }
      if (status >= 500) {
        return {
          delivered: false,
          lines: [
            `Not delivered: the endpoint failed with a server error (HTTP ${status}).${said}`,
            "It is reachable and the path is right, but it could not take the span: check the collector's logs.",
          ],
        };
      }
      return {
        delivered: false,
        lines: [
          `Not delivered: the endpoint did not accept the request (HTTP ${status}).${said}`,
          `kodelet sends ${protocol}; check that the endpoint speaks OTLP/HTTP with that encoding ` +
          "(OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf or http/json).",
        ],
      };
    }
    case "refused":
      return {
        delivered: false,
        lines: [
          `Not delivered: the connection to ${hostOf(url)} was refused; nothing listens there.`,
          "Is the collector running, and is the port right? OTLP/HTTP is usually 4318 (4317 is gRPC, which " +
          "kodelet does not speak).",
        ],
      };
    case "dns":
      return {
        delivered: false,
        lines: [
          `Not delivered: the host name ${hostOf(url).replace(/:\d+$/, "")} could not be resolved (DNS).`,
          "Check the endpoint's spelling, and your network or VPN.",
        ],
      };
    case "tls":
      return {
        delivered: false,
        lines: [
          `Not delivered: the TLS connection failed (${outcome.message}).`,
          "If the collector's certificate comes from a private CA, set OTEL_EXPORTER_OTLP_CERTIFICATE to the " +
          "CA's PEM file; if the collector serves plain HTTP, use an http:// endpoint.",
        ],
      };
    case "timeout":
      return {
        delivered: false,
        lines: [
          `Not delivered: no answer within ${otlp.timeoutMs / 1000}s (OTEL_EXPORTER_OTLP_TIMEOUT).`,
          `Something at ${hostOf(url)} accepted the connection but never answered: a firewall or proxy ` +
          "dropping traffic, or a collector that is stuck.",
        ],
      };
    case "reset":
      return {
        delivered: false,
        lines: [
          `Not delivered: ${hostOf(url)} closed the connection (${outcome.message}).`,
          "This often means http:// was used for an https:// endpoint, or the other way round.",
        ],
      };
    case "network":
      return { delivered: false, lines: [`Not delivered: ${outcome.message || "the request failed"}.`] };
  }
}

/** Runs the check against the configured endpoint. */
export async function checkTracing(config: Config, options: CheckOptions = {}): Promise<CheckResult> {
  const tracing = config.tracing;
  const otlp = tracing.otlp;
  const lines: string[] = [];
  const say = (...items: string[]) => {
    for (const item of items) options.onLine?.(item);
    lines.push(...items);
  };
  say(
    `Endpoint: ${safeUrl(otlp.tracesUrl)} (${otlp.protocol}${otlp.compression === "gzip" ? ", gzip" : ""})`,
  );
  if (!tracing.endpointConfigured) {
    say(
      "No endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or tracing.endpoint); checking the default.",
    );
  }
  const headerNames = Object.keys(otlp.headers);
  say(`Headers: ${headerNames.length === 0 ? "none" : headerNames.join(", ")}`);
  if (!tracing.enabled) {
    say("Tracing is off for normal runs: set KODELET_TRACING_ENABLED=true, or configure an endpoint.");
  } else if (!tracing.exporters.includes("otlp")) {
    say(`Exporters: ${tracing.exporters.join(", ")}; add otlp to tracing.exporter to send runs here.`);
  }
  const spool = await spoolStatusOf(tracing.storeDir).catch(() => undefined);
  if (spool && (spool.batches > 0 || spool.droppedSpans > 0)) {
    const spans = `${formatCount(spool.spans)} undelivered span${spool.spans === 1 ? "" : "s"}`;
    const dropped = spool.droppedSpans > 0
      ? `; ${
        formatCount(spool.droppedSpans)
      } dropped in the last 24 hours (spool full, or refused by the endpoint)`
      : "";
    say(`Spool: ${spans} waiting for the next run${dropped}`);
  }
  say("");

  const { outcome, partial, traceId } = await checkEndpoint(config, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const verdict = explain(outcome, partial, config, traceId, otlp.protocol);
  say(...verdict.lines);
  return { delivered: verdict.delivered, outcome, traceId, lines };
}
