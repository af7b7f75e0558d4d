/**
 * Redaction with secretlint's maintained rules and by position: credentials in URLs, `password=`-style
 * parameters, DATABASE_URL-style values, AWS secret keys, Slack tokens; and url.full never records a
 * secret-looking path segment, even with content capture off.
 */
import assert from "node:assert/strict";
import { environmentSecrets } from "../../lib/config/mod.ts";
import { createRedactor, safeUrl } from "../../lib/telemetry/redact.ts";
import { webFetchTool } from "../../lib/tools/web_fetch.ts";
import { testContext } from "../tools/_context.ts";

const redact = createRedactor([]);
const SK_ANT = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";

function assertHidden(text: string, secret: string) {
  const out = redact(text);
  assert.ok(!out.includes(secret), `${secret} survived in: ${out}`);
  assert.match(out, /\[REDACTED\]/);
}

Deno.test("redaction hides the password of a URL", () => {
  // secretlint's connection-string rule hides a database URL whole; other URLs keep their host.
  assertHidden("psql postgres://admin:s3cretPass@db.internal:5432/app", "s3cretPass");
  assert.equal(
    redact("git clone https://u:p4ssw0rd@github.com/x/y.git"),
    "git clone https://u:[REDACTED]@github.com/x/y.git",
  );
  assertHidden("mysql://root:toor-pw@localhost/db", "toor-pw");
});

Deno.test("redaction hides password=, token= and secret= parameters", () => {
  const out = redact("GET /login?user=bob&password=hunter22&token=abc123def&secret=zz-top-9 HTTP/1.1");
  for (const value of ["hunter22", "abc123def", "zz-top-9"]) assert.ok(!out.includes(value), out);
  assert.match(out, /user=bob&password=\[REDACTED\]&token=\[REDACTED\]&secret=\[REDACTED\]/);
  assertHidden("DB_PASSWORD=correct-horse-battery", "correct-horse-battery");
});

Deno.test("redaction catches AWS secret access keys and Slack tokens (secretlint rules)", () => {
  assertHidden(
    'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKE"',
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKE",
  );
  assertHidden("slack: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "AbCdEfGhIjKlMnOpQrStUvWx");
  assertHidden("user token xoxp-123456789012-123456789012-123456789012-abcdef0123456789", "abcdef0123456789");
  assertHidden(
    "hook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX ok",
    "XXXXXXXXXXXXXXXXXXXXXXXX",
  );
});

Deno.test("the spool's redactor leaves the rules' scan to the sender, and keeps everything else", () => {
  const slack = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
  const forSpool = createRedactor(["configured-secret-value"], { scanRules: false });
  // Known values, positions and kodelet's own patterns are replaced before the spool is written...
  assert.equal(
    forSpool(`key configured-secret-value, password=hunter22, ${SK_ANT}`),
    "key [REDACTED], password=[REDACTED], [REDACTED]",
  );
  // ...and what only secretlint's rules know is left for whoever sends the spool (resend).
  assert.equal(forSpool(`slack ${slack}`), `slack ${slack}`);
  assertHidden(`slack ${slack}`, "AbCdEfGhIjKlMnOpQrStUvWx");
});

Deno.test("a DATABASE_URL-style variable's value is a known secret whatever its name", () => {
  const secrets = environmentSecrets({ DATABASE_URL: "postgres://app:pw-12345@db/app", HOME: "/home/u" });
  assert.deepEqual(secrets, ["postgres://app:pw-12345@db/app"]);
});

Deno.test("redaction leaves ordinary text, commit ids and UUIDs alone", () => {
  const text = "commit 3f2a9c1e0b7d4a5f6e8c9b0a1d2e3f4a5b6c7d8e in https://github.com/o/r/pull/12 " +
    "id 123e4567-e89b-12d3-a456-426614174000 password policy";
  assert.equal(redact(text), text);
});

Deno.test("safeUrl drops credentials, query and fragment, and secret-looking path segments", () => {
  assert.equal(
    safeUrl(
      new URL("https://u:p@api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe?x=1#f"),
    ),
    "https://api.telegram.org/[REDACTED]/getMe",
  );
  assert.equal(
    safeUrl(new URL("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")),
    "https://hooks.slack.com[REDACTED]",
  );
  assert.equal(
    safeUrl(new URL("https://github.com/o/r/commit/3f2a9c1e0b7d4a5f6e8c9b0a1d2e3f4a5b6c7d8e")),
    "https://github.com/o/r/commit/3f2a9c1e0b7d4a5f6e8c9b0a1d2e3f4a5b6c7d8e",
  );
});

Deno.test("web_fetch records url.full without a bot token in its path", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => new Response("ok"));
  try {
    const { ctx, recorded } = testContext(Deno.cwd());
    const token = "bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    const result = await webFetchTool.execute(
      { url: `http://127.0.0.1:${server.addr.port}/${token}/getMe` },
      ctx,
    );
    assert.ok(result.ok);
    assert.equal(recorded["url.full"], `http://127.0.0.1:${server.addr.port}/[REDACTED]/getMe`);
  } finally {
    await server.shutdown();
  }
});
