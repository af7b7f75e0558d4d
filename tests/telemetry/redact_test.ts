/** createRedactor and truncateBytes: what leaves the process is free of secrets and bounded in size. */
import assert from "node:assert/strict";
import { createRedactor, truncateBytes } from "../../lib/telemetry/redact.ts";

Deno.test("createRedactor replaces every occurrence of a known secret", () => {
  const redact = createRedactor(["plain-token-value"]);
  assert.equal(
    redact("a plain-token-value b plain-token-value"),
    "a [REDACTED] b [REDACTED]",
  );
});

Deno.test("createRedactor replaces the longest secret first, so none is half-replaced", () => {
  const redact = createRedactor(["abcdef", "abcdef-and-more"]);
  assert.equal(redact("x abcdef-and-more y abcdef"), "x [REDACTED] y [REDACTED]");
});

Deno.test("createRedactor ignores known values shorter than 6 characters", () => {
  // Redacting "true" or "1234" everywhere would destroy the text without protecting anything.
  assert.equal(createRedactor(["true"])("it is true"), "it is true");
});

Deno.test("createRedactor catches credential shapes it was not told about", () => {
  const redact = createRedactor([]);
  const samples = [
    "sk-ant-api03-AbCdEfGhIjKlMnOp",
    "sk-proj-AbCdEfGhIjKlMnOpQrStUv",
    "ghp_AbCdEfGhIjKlMnOpQrStUv",
    "glc_eyJvIjoiMTIzNCIsIm4iOiJ0ZXN0In0=",
    "AKIAABCDEFGHIJKLMNOP",
  ];
  for (const sample of samples) {
    const out = redact(`key=${sample} end`);
    assert.ok(!out.includes(sample), `${sample} survived: ${out}`);
    assert.match(out, /^key=\[REDACTED\] end$/);
  }
});

Deno.test("createRedactor keeps the scheme of an Authorization value and hides the credential", () => {
  const redact = createRedactor([]);
  assert.equal(redact("Authorization: Basic MTIzOnMzY3IzdD4+Pw=="), "Authorization: Basic [REDACTED]");
  assert.equal(redact("authorization: bearer abc.def.ghi-jkl"), "authorization: bearer [REDACTED]");
});

Deno.test("createRedactor removes a PEM private key block whole", () => {
  const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF\n-----END PRIVATE KEY-----";
  assert.equal(createRedactor([])(`before ${pem} after`), "before [REDACTED] after");
});

Deno.test("createRedactor leaves ordinary text alone", () => {
  const text = "cmd.version 0.5ms OK command.name=version args.count=0";
  assert.equal(createRedactor(["unrelated-secret"])(text), text);
});

Deno.test("truncateBytes leaves a text within the limit untouched", () => {
  assert.equal(truncateBytes("hello", 5), "hello");
  assert.equal(truncateBytes("", 0), "");
});

Deno.test("truncateBytes cuts to the byte limit and says how many bytes were cut", () => {
  assert.equal(truncateBytes("abcdefghij", 4), "abcd…[truncated 6 bytes]");
});

Deno.test("truncateBytes never splits a multi-byte character and counts what it really cut", () => {
  // "é" is 2 bytes and "😀" 4: a limit inside either must drop the whole character.
  assert.equal(truncateBytes("aé", 2), "a…[truncated 2 bytes]");
  assert.equal(truncateBytes("ab😀cd", 4), "ab…[truncated 6 bytes]");
  assert.doesNotMatch(truncateBytes("ab😀cd", 4), /\uFFFD/);
});

Deno.test("truncateBytes keeps the head within the limit", () => {
  const text = "ü".repeat(100);
  const head = truncateBytes(text, 51).split("…")[0] ?? "";
  assert.ok(new TextEncoder().encode(head).length <= 51);
  assert.equal(head, "ü".repeat(25));
});

Deno.test("createRedactor keeps token counts: tokens=N is a figure, not a credential", () => {
  // The debug log line of every LLM response carries these; they were shown as [REDACTED].
  const redact = createRedactor([]);
  const line =
    "llm response input_tokens=1234 output_tokens=567 max_tokens: 8192 thinking_budget_tokens=2048";
  assert.equal(redact(line), line);
  assert.equal(redact("token=abcdef1234 GH_TOKEN=ghsecret99"), "token=[REDACTED] GH_TOKEN=[REDACTED]");
});
