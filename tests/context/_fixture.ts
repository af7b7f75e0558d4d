/** What the long-session tests share: the scripted LLM server, an OTLP receiver and fresh directories. */
import { type LlmServer, startLlmServer } from "../support/llm_server.ts";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../support/otlp_receiver.ts";

/** A test's servers and directories, removed when disposed. */
export interface Fixture {
  llm: LlmServer;
  receiver: OtlpReceiver;
  /** KODELET_BASE_PATH. */
  base: string;
  /** The working directory kodelet runs in. */
  work: string;
  /** The environment of a kodelet run against these servers. */
  env: (extra?: Record<string, string>) => Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the servers and makes the directories. */
export async function fixture(): Promise<Fixture> {
  const llm = await startLlmServer();
  const receiver = await startOtlpReceiver();
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-base-" }));
  const work = await Deno.realPath(await Deno.makeTempDir({ prefix: "kodelet-work-" }));
  return {
    llm,
    receiver,
    base,
    work,
    env: (extra = {}) => ({
      KODELET_BASE_PATH: base,
      ANTHROPIC_API_KEY: "sk-ant-test-key-0123456789",
      ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      ...extra,
    }),
    async [Symbol.asyncDispose]() {
      await llm.close();
      await receiver.close();
      await Deno.remove(base, { recursive: true });
      await Deno.remove(work, { recursive: true });
    },
  };
}

/** The JSON body of the request number `index` the LLM server received. */
export function requestBody(llm: LlmServer, index: number): {
  system: { type: string; text: string; cache_control?: unknown }[];
  messages: {
    role: string;
    content: { type: string; text?: string; content?: string; cache_control?: unknown }[];
  }[];
  model: string;
} {
  const request = llm.requests[index];
  if (!request) throw new Error(`no request #${index}; the server saw ${llm.requests.length}`);
  return request.body as ReturnType<typeof requestBody>;
}

/** Every attribute value of every span, as one string, to look for content that must not be there. */
export function allAttributeText(spans: readonly ReceivedSpan[]): string {
  return JSON.stringify(
    spans.map((
      span,
    ) => [span.name, span.attributes, span.events.map((event) => [event.name, event.attributes])]),
    (_key, value) => typeof value === "bigint" ? String(value) : value,
  );
}
