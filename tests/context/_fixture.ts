/** What the long-session tests share: the scripted LLM server, an OTLP receiver and fresh directories. */
import { type LlmServer, startLlmServer } from "../support/llm_server.ts";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../support/otlp_receiver.ts";
import { DENO_JSON, KODELET_PERMISSIONS, MAIN_TS } from "../support/run_kodelet.ts";

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

/** Runs `kodelet <args>` with `input` on stdin (for chat), in the fixture's environment. */
export async function runWithInput(
  args: string[],
  input: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const inherited: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) inherited[name] = value;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...KODELET_PERMISSIONS, "--config", DENO_JSON, MAIN_TS, ...args],
    clearEnv: true,
    env: { ...inherited, NO_COLOR: "1", ...env },
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  const decoder = new TextDecoder();
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) };
}

/** The text of every block of a request's messages, joined, to look for what was (not) sent. */
export function messagesText(body: ReturnType<typeof requestBody>): string {
  return JSON.stringify(body.messages);
}
