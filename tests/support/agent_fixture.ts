/**
 * What an end-to-end agent test needs: the scripted LLM server, the OTLP receiver, a fresh base path
 * and working directory, and the environment that points kodelet at all of them.
 */
import { type LlmServer, startLlmServer } from "./llm_server.ts";
import { type OtlpReceiver, startOtlpReceiver } from "./otlp_receiver.ts";

/** The servers and directories of one test; `await using` closes and removes them. */
export interface AgentFixture {
  llm: LlmServer;
  receiver: OtlpReceiver;
  base: string;
  work: string;
  /** kodelet's environment (Anthropic through the LLM server, spans to the receiver), plus `extra`. */
  env: (extra?: Record<string, string>) => Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the servers and makes the directories; apiKey is the Anthropic key kodelet is given. */
export async function agentFixture(apiKey: string): Promise<AgentFixture> {
  const llm = await startLlmServer();
  const receiver = await startOtlpReceiver();
  const base = await Deno.makeTempDir({ prefix: "kodelet-base-" });
  const work = await Deno.makeTempDir({ prefix: "kodelet-work-" });
  return {
    llm,
    receiver,
    base,
    work,
    env: (extra = {}) => ({
      KODELET_BASE_PATH: base,
      ANTHROPIC_API_KEY: apiKey,
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
