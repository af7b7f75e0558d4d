/**
 * Every span attribute key kodelet writes, in one place. Names follow the OpenTelemetry semantic
 * conventions where they have one (GenAI, CLI, process, server, error, url); kodelet's own figures
 * carry the `kodelet.` prefix. Stable keys come from @opentelemetry/semantic-conventions; keys of
 * conventions still in development (GenAI, process, host, os) are written here, as that package
 * advises, since they may still change.
 */
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";

/** Attributes of the root `cmd.<command>` span. */
export const CMD = {
  NAME: "command.name",
  PATH: "command.path",
  ARGS_COUNT: "args.count",
  FLAG_PREFIX: "command.flag.",
} as const;

/** The process semantic conventions used by the CLI conventions. */
export const PROCESS = {
  EXECUTABLE_NAME: "process.executable.name",
  PID: "process.pid",
  EXIT_CODE: "process.exit.code",
  RUNTIME_NAME: "process.runtime.name",
  RUNTIME_VERSION: "process.runtime.version",
} as const;

/** Resource attributes that describe the process's service, host and OS. */
export const RESOURCE = {
  SERVICE_NAME: ATTR_SERVICE_NAME,
  SERVICE_VERSION: ATTR_SERVICE_VERSION,
  TELEMETRY_SDK_LANGUAGE: ATTR_TELEMETRY_SDK_LANGUAGE,
  HOST_NAME: "host.name",
  HOST_ARCH: "host.arch",
  OS_TYPE: "os.type",
  OS_VERSION: "os.version",
} as const;

/** GenAI semantic conventions (agent, chat and tool spans). */
export const GEN_AI = {
  OPERATION_NAME: "gen_ai.operation.name",
  PROVIDER_NAME: "gen_ai.provider.name",
  AGENT_NAME: "gen_ai.agent.name",
  CONVERSATION_ID: "gen_ai.conversation.id",
  REQUEST_MODEL: "gen_ai.request.model",
  REQUEST_MAX_TOKENS: "gen_ai.request.max_tokens",
  REQUEST_TEMPERATURE: "gen_ai.request.temperature",
  REQUEST_STREAM: "gen_ai.request.stream",
  RESPONSE_MODEL: "gen_ai.response.model",
  RESPONSE_ID: "gen_ai.response.id",
  RESPONSE_FINISH_REASONS: "gen_ai.response.finish_reasons",
  RESPONSE_TIME_TO_FIRST_CHUNK: "gen_ai.response.time_to_first_chunk",
  USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  USAGE_CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  USAGE_REASONING_OUTPUT_TOKENS: "gen_ai.usage.reasoning.output_tokens",
  TOOL_NAME: "gen_ai.tool.name",
  TOOL_CALL_ID: "gen_ai.tool.call.id",
  TOOL_TYPE: "gen_ai.tool.type",
  TOOL_DESCRIPTION: "gen_ai.tool.description",
  TOOL_CALL_ARGUMENTS: "gen_ai.tool.call.arguments",
  TOOL_CALL_RESULT: "gen_ai.tool.call.result",
  INPUT_MESSAGES: "gen_ai.input.messages",
  OUTPUT_MESSAGES: "gen_ai.output.messages",
  SYSTEM_INSTRUCTIONS: "gen_ai.system_instructions",
} as const;

/** General conventions. */
export const GENERAL = {
  ERROR_TYPE: ATTR_ERROR_TYPE,
  SERVER_ADDRESS: ATTR_SERVER_ADDRESS,
  SERVER_PORT: ATTR_SERVER_PORT,
  URL_FULL: ATTR_URL_FULL,
  HTTP_STATUS_CODE: ATTR_HTTP_RESPONSE_STATUS_CODE,
} as const;

/** The MCP semantic conventions (client side), with the JSON-RPC and network keys they use. */
export const MCP = {
  METHOD_NAME: "mcp.method.name",
  SESSION_ID: "mcp.session.id",
  PROTOCOL_VERSION: "mcp.protocol.version",
  JSONRPC_REQUEST_ID: "jsonrpc.request.id",
  RPC_RESPONSE_STATUS_CODE: "rpc.response.status_code",
  NETWORK_TRANSPORT: "network.transport",
  NETWORK_PROTOCOL_NAME: "network.protocol.name",
  /** kodelet's own: which configured server a span talks to (the conventions have no key for it). */
  SERVER_NAME: "kodelet.mcp.server",
  /** kodelet's own: how many tools a server offered at start-up. */
  TOOL_COUNT: "kodelet.mcp.tools",
  /** kodelet's own: the server did not speak Streamable HTTP, so the older SSE transport was used. */
  SSE_FALLBACK: "kodelet.mcp.sse_fallback",
} as const;

/** kodelet's own figures, where no convention exists. */
export const KODELET = {
  COST_USD: "kodelet.cost.usd",
  RETRIES: "kodelet.retries",
  TURNS: "kodelet.turns",
  TIME_TO_FIRST_TOKEN_MS: "kodelet.time_to_first_token_ms",
  MESSAGE_LENGTH: "message.length",
  MODEL: "model",
  TOTAL_INPUT_TOKENS: "kodelet.usage.input_tokens",
  TOTAL_OUTPUT_TOKENS: "kodelet.usage.output_tokens",
  TOTAL_CACHE_READ_TOKENS: "kodelet.usage.cache_read.input_tokens",
  TOTAL_CACHE_CREATION_TOKENS: "kodelet.usage.cache_creation.input_tokens",
  BASH_TIMED_OUT: "kodelet.bash.timed_out",
  BASH_TIMEOUT_MS: "kodelet.bash.timeout_ms",
  BASH_COMMAND: "kodelet.bash.command",
  /** bwrap | none | unavailable: whether bash ran in the sandbox (unavailable: on, but refused). */
  TOOL_SANDBOX: "kodelet.tool.sandbox",
  DURATION_MS: "kodelet.duration_ms",
  OUTPUT_BYTES: "kodelet.output.bytes",
  OUTPUT_TRUNCATED: "kodelet.output.truncated",
  /** The whole output went to a file under <base_path>/tool-output. */
  OUTPUT_SPILLED: "kodelet.output.spilled",
  /** Share of the model's context window the request used (chat spans). */
  CONTEXT_USED_RATIO: "kodelet.context.used_ratio",
  CONTEXT_WINDOW: "kodelet.context.window",
  COMPACT_TOKENS_BEFORE: "kodelet.compact.tokens_before",
  COMPACT_TOKENS_AFTER: "kodelet.compact.tokens_after",
  COMPACT_MODEL: "kodelet.compact.model",
  COMPACT_REASON: "kodelet.compact.reason",
  COMPACT_MESSAGES_SUMMARISED: "kodelet.compact.messages_summarised",
  RULES_FILES: "kodelet.rules.files",
  FILE_PATH: "kodelet.file.path",
  BYTES_READ: "kodelet.file.bytes_read",
  LINES_RETURNED: "kodelet.file.lines_returned",
  BYTES_BEFORE: "kodelet.file.bytes_before",
  BYTES_AFTER: "kodelet.file.bytes_after",
  REPLACEMENTS: "kodelet.file.replacements",
  LINES_ADDED: "kodelet.lines.added",
  LINES_REMOVED: "kodelet.lines.removed",
  MATCHES: "kodelet.search.matches",
  SEARCH_ENGINE: "kodelet.search.engine",
  SUBAGENT_TURNS: "kodelet.subagent.turns",
  /** allow | deny: what the permission gate decided for a tool call. */
  TOOL_DECISION: "kodelet.tool.decision",
  /** mode | rule | user | hard_limit | no_terminal: what decided it. */
  TOOL_DECISION_SOURCE: "kodelet.tool.decision.source",
  /** The configured rule(s) that decided it (configuration, not content). */
  TOOL_DECISION_RULE: "kodelet.tool.decision.rule",
  /** outside_workdir | private_network | catastrophic_command: the hard limit that refused it. */
  TOOL_DECISION_LIMIT: "kodelet.tool.decision.limit",
  /** ask | accept-edits | read-only | yolo: the permission mode a decision was made in (events). */
  PERMISSIONS_MODE: "kodelet.permissions.mode",
} as const;

/** Flags whose values never go into a span: their names say they hold a credential. */
export const SENSITIVE_FLAG = /key|token|secret|password/i;

/** Name of the span `tracing check` sends, to find it in the backend. */
export const CHECK_SPAN_NAME = "kodelet tracing check";
