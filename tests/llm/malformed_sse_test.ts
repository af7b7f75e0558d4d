/** A malformed SSE event is one line from kodelet, not the SDK's raw parse lines on stderr. */
import assert from "node:assert/strict";
import { linesOf, runKodelet } from "../support/run_kodelet.ts";

Deno.test("a malformed stream event ends the run with one line and no raw SDK output", async () => {
  const body = [
    'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant",' +
    '"model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
    "event: content_block_delta\ndata: {this is not json SECRET-RAW-LINE\n\n",
  ].join("");
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
  );
  try {
    const result = await runKodelet(["run", "hi"], {
      env: {
        ANTHROPIC_API_KEY: "sk-ant-test-malformed-0",
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${server.addr.port}`,
        KODELET_MAX_RETRIES: "0",
      },
    });
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stderr, /Could not parse message into JSON|From chunk|SECRET-RAW-LINE/);
    const lines = linesOf(result.stderr).filter((line) => line.startsWith("kodelet: "));
    assert.equal(lines.length, 1, result.stderr);
  } finally {
    await server.shutdown();
  }
});
