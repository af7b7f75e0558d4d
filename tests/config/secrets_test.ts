/** Which values the configuration marks as secrets, so that the redactor can remove them everywhere. */
import assert from "node:assert/strict";
import { environmentSecrets } from "../../lib/config/mod.ts";
import { loadFromFiles } from "./_load.ts";

Deno.test("loadConfig collects credential-like environment values as secrets", async () => {
  const config = await loadFromFiles({
    env: {
      ANTHROPIC_API_KEY: "sk-ant-api03-abcdefghij",
      OPENAI_API_KEY: "sk-proj-0123456789",
      SOME_TOKEN: "plain-token-value",
      DB_PASSWORD: "hunter22",
      HOME_DIR: "/not/a/secret",
    },
  });
  for (const secret of ["sk-ant-api03-abcdefghij", "sk-proj-0123456789", "plain-token-value", "hunter22"]) {
    assert.ok(config.secrets.includes(secret), secret);
  }
  assert.ok(!config.secrets.includes("/not/a/secret"));
});

Deno.test("loadConfig collects OTLP header values, with and without their Basic scheme", async () => {
  const config = await loadFromFiles({
    env: { OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20MTIzOnMzY3IzdD4+Pw==" },
  });
  assert.ok(config.secrets.includes("Basic MTIzOnMzY3IzdD4+Pw=="));
  assert.ok(config.secrets.includes("MTIzOnMzY3IzdD4+Pw=="));
});

Deno.test("loadConfig collects API keys from config files", async () => {
  const config = await loadFromFiles({ globalYaml: "anthropic:\n  api_key: key-from-the-file\n" });
  assert.ok(config.secrets.includes("key-from-the-file"));
});

Deno.test("loadConfig lists secrets longest first, so no secret is half-replaced", async () => {
  const config = await loadFromFiles({ env: { A_TOKEN: "abcdef", B_TOKEN: "abcdefghij" } });
  assert.deepEqual(config.secrets.slice(0, 2), ["abcdefghij", "abcdef"]);
});

Deno.test("environmentSecrets ignores session names and agent sockets, which are not credentials", () => {
  const secrets = environmentSecrets({
    XDG_SESSION_TYPE: "wayland",
    DESKTOP_SESSION: "ubuntu",
    SSH_AUTH_SOCK: "/run/user/1000/keyring/ssh",
    XAUTHORITY: "/run/user/1000/gdm/Xauthority",
    GITHUB_TOKEN: "ghp_0123456789",
  });
  assert.deepEqual(secrets, ["ghp_0123456789"]);
});

Deno.test("environmentSecrets ignores values too short to redact safely", () => {
  assert.deepEqual(environmentSecrets({ SOME_KEY: "abc" }), []);
});
