/**
 * The logs runtime: the events kodelet emits through the OpenTelemetry logs API, and kodelet's own
 * log lines as log records with their severity. Every record is emitted in the active context, so it
 * carries the trace and span id of where it happened. Loaded only when log events are on.
 *
 * Privacy: events carry sizes, counts and outcomes; the prompt text only with content capture on.
 * Every string goes through the redactor, as span attributes do.
 */
import type { AnyValueMap, Logger as OtelLogger } from "@opentelemetry/api-logs";
import { SeverityNumber } from "@opentelemetry/api-logs";
import type { Config } from "../config/mod.ts";
import { GEN_AI, GENERAL, KODELET } from "./attributes.ts";
import { currentCommand, currentSessionId, type LogLineLevel, type SignalSink } from "./instruments.ts";
import { type Redactor, truncateBytes } from "./redact.ts";

/** The event names, as published. */
export const EVENTS = {
  USER_PROMPT: "kodelet.user_prompt",
  API_REQUEST: "kodelet.api_request",
  API_ERROR: "kodelet.api_error",
  TOOL_RESULT: "kodelet.tool_result",
  TOOL_DECISION: "kodelet.tool_decision",
  COMPACTION: "kodelet.compaction",
} as const;

const SEVERITY: Record<LogLineLevel, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

type Value = string | number | boolean | undefined;

function clean(attributes: Record<string, unknown>, redact: Redactor): AnyValueMap {
  const result: AnyValueMap = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "string") result[key] = redact(value);
    else if (typeof value === "number" || typeof value === "boolean") result[key] = value;
    else result[key] = redact(JSON.stringify(value) ?? String(value));
  }
  return result;
}

const ms = (seconds: number) => Math.round(seconds * 1000);

/** The sink that emits events and log lines on a logger. */
export function logsSink(logger: OtelLogger, config: Config, redact: Redactor): SignalSink {
  const event = (name: string, attributes: Record<string, Value>, severity = SeverityNumber.INFO) => {
    logger.emit({
      eventName: name,
      severityNumber: severity,
      severityText: SeverityNumber[severity],
      body: name,
      attributes: clean({
        "event.name": name,
        "session.id": currentSessionId(),
        "command.name": currentCommand(),
        ...attributes,
      }, redact),
    });
  };
  return {
    userPrompt(length, text) {
      event(EVENTS.USER_PROMPT, {
        "prompt.length": length,
        ...(config.tracing.captureContent
          ? { prompt: truncateBytes(redact(text), config.tracing.captureMaxBytes) }
          : {}),
      });
    },
    llmCall(record) {
      const common = {
        [GEN_AI.PROVIDER_NAME]: record.provider,
        [GEN_AI.REQUEST_MODEL]: record.model,
        duration_ms: ms(record.durationS),
        attempt: record.attempt,
      };
      if (record.errorType !== undefined) {
        event(EVENTS.API_ERROR, {
          ...common,
          [GENERAL.ERROR_TYPE]: record.errorType,
          [GENERAL.HTTP_STATUS_CODE]: record.status,
          will_retry: false,
        }, SeverityNumber.ERROR);
        return;
      }
      const usage = record.usage;
      event(EVENTS.API_REQUEST, {
        ...common,
        [GEN_AI.RESPONSE_MODEL]: record.responseModel,
        [GEN_AI.USAGE_INPUT_TOKENS]: usage ? usage.input + usage.cacheRead + usage.cacheWrite : undefined,
        [GEN_AI.USAGE_OUTPUT_TOKENS]: usage?.output,
        [GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS]: usage?.cacheRead,
        [GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS]: usage?.cacheWrite,
        [KODELET.COST_USD]: record.costUsd,
        time_to_first_chunk_ms: record.timeToFirstChunkS !== undefined
          ? ms(record.timeToFirstChunkS)
          : undefined,
      });
    },
    retry(record) {
      event(EVENTS.API_ERROR, {
        [GEN_AI.PROVIDER_NAME]: record.provider,
        [GEN_AI.REQUEST_MODEL]: record.model,
        [GENERAL.ERROR_TYPE]: record.errorType,
        [GENERAL.HTTP_STATUS_CODE]: record.status,
        attempt: record.attempt,
        will_retry: true,
        retry_delay_ms: Math.round(record.delayMs),
      }, SeverityNumber.WARN);
    },
    toolCall(record) {
      event(EVENTS.TOOL_RESULT, {
        [GEN_AI.TOOL_NAME]: record.tool,
        outcome: record.outcome,
        [GENERAL.ERROR_TYPE]: record.errorType,
        duration_ms: ms(record.durationS),
        [KODELET.OUTPUT_BYTES]: record.outputBytes,
        "kodelet.lines.added": record.linesAdded,
        "kodelet.lines.removed": record.linesRemoved,
      }, record.outcome === "ok" ? SeverityNumber.INFO : SeverityNumber.WARN);
    },
    toolDecision(record) {
      // The same keys as the execute_tool span's decision attributes, so logs and traces filter alike.
      event(EVENTS.TOOL_DECISION, {
        [GEN_AI.TOOL_NAME]: record.tool,
        [GEN_AI.TOOL_CALL_ID]: record.callId,
        [KODELET.TOOL_DECISION]: record.decision,
        [KODELET.TOOL_DECISION_SOURCE]: record.source,
        [KODELET.TOOL_DECISION_RULE]: record.rule,
        [KODELET.TOOL_DECISION_LIMIT]: record.limit,
        [KODELET.PERMISSIONS_MODE]: record.mode,
      }, record.decision === "allow" ? SeverityNumber.INFO : SeverityNumber.WARN);
    },
    compaction(record) {
      event(EVENTS.COMPACTION, {
        [KODELET.COMPACT_REASON]: record.reason,
        [KODELET.COMPACT_MODEL]: record.model,
        [KODELET.COMPACT_TOKENS_BEFORE]: record.tokensBefore,
        [KODELET.COMPACT_TOKENS_AFTER]: record.tokensAfter,
        [KODELET.COMPACT_MESSAGES_SUMMARISED]: record.messagesSummarised,
        [KODELET.COST_USD]: record.costUsd,
      });
    },
    logLine(level, message, fields) {
      logger.emit({
        severityNumber: SEVERITY[level],
        severityText: level.toUpperCase(),
        body: redact(message),
        attributes: clean(fields, redact),
      });
    },
  };
}
