/** mcp.servers and mcp.timeout: the shapes accepted, ${VAR} from the environment, and one clear line per mistake. */
import assert from "node:assert/strict";
import { loadFromFiles, rejectionMessage } from "./_load.ts";

Deno.test("mcp.servers: a stdio and an HTTP server, ${VAR} expanded from the environment, enabled: false kept", async () => {
  const config = await loadFromFiles({
    env: { GH_TOKEN: "ghp_supersecret123", DATA: "/srv/data" },
    globalYaml: `
mcp:
  timeout: 5s
  servers:
    files:
      command: npx
      args: ["-y", "@example/files", "\${DATA}", 3]
      env: { API_TOKEN: "\${GH_TOKEN}", MODE: "\${MODE:-fast}" }
      cwd: tools
    github:
      url: https://api.example.com/mcp?region=\${REGION:-eu}
      headers:
        Authorization: "Bearer \${GH_TOKEN}"
        Accept: application/json
    off:
      command: later
      enabled: false
`,
  });
  assert.equal(config.mcp.timeoutMs, 5000);
  assert.deepEqual(config.mcp.servers, [
    {
      name: "files",
      transport: "stdio",
      command: "npx",
      args: ["-y", "@example/files", "/srv/data", "3"],
      env: { API_TOKEN: "ghp_supersecret123", MODE: "fast" },
      cwd: "tools",
      enabled: true,
      missing: [],
    },
    {
      name: "github",
      transport: "http",
      url: "https://api.example.com/mcp?region=eu",
      headers: { Authorization: "Bearer ghp_supersecret123", Accept: "application/json" },
      enabled: true,
      missing: [],
    },
    {
      name: "off",
      transport: "stdio",
      command: "later",
      args: [],
      env: {},
      cwd: undefined,
      enabled: false,
      missing: [],
    },
  ]);
  assert.ok(config.secrets.includes("Bearer ghp_supersecret123"), "header values are redacted");
  assert.ok(config.secrets.includes("ghp_supersecret123"));
  assert.ok(!config.secrets.includes("application/json"), "only credential-like headers are secrets");
});

Deno.test("mcp.servers: an unset variable does not stop kodelet; the server records it as missing", async () => {
  const config = await loadFromFiles({
    globalYaml:
      `mcp: { servers: { gh: { url: "https://\${HOST}/mcp", headers: { Authorization: "Bearer \${TOKEN}" } } } }`,
  });
  assert.deepEqual(config.mcp.servers[0]?.missing, ["HOST", "TOKEN"]);
});

Deno.test("mcp.servers: defaults are no servers and a 60s timeout; KODELET_MCP_TIMEOUT sets the timeout", async () => {
  const config = await loadFromFiles({});
  assert.deepEqual(config.mcp, { servers: [], timeoutMs: 60_000 });
  assert.equal((await loadFromFiles({ env: { KODELET_MCP_TIMEOUT: "1500ms" } })).mcp.timeoutMs, 1500);
});

Deno.test("mcp.servers: a bad entry is a usage error naming the server, the key and the file", async () => {
  const cases: [string, RegExp][] = [
    [
      "mcp: { servers: [a, b] }",
      /^Invalid mcp\.servers "\["a","b"\]" \(from .*config\.yaml\): must be a map from server names/,
    ],
    [
      "mcp: { servers: { gh: { url: 'ftp://x' } } }",
      /^Invalid mcp\.servers\.gh\.url "ftp:\/\/x" \(from .*config\.yaml\): must be an absolute http/,
    ],
    [
      "mcp: { servers: { gh: { command: x, url: 'http://x' } } }",
      /^Invalid mcp\.servers\.gh ".*" \(from .*\): must have either command or url, not both$/,
    ],
    [
      "mcp: { servers: { gh: {} } }",
      /^Invalid mcp\.servers\.gh "\{\}" \(from .*\): must have command \(stdio\) or url \(HTTP\)$/,
    ],
    [
      "mcp: { servers: { gh: { command: x, headers: {} } } }",
      /^Invalid mcp\.servers\.gh\.headers "\{\}" \(from .*\): is not a key of a stdio server \(command, args, env, cwd, enabled\)$/,
    ],
    [
      "mcp: { servers: { gh: { command: x, args: one } } }",
      /^Invalid mcp\.servers\.gh\.args "one" \(from .*\): must be a list of strings$/,
    ],
    [
      "mcp: { servers: { gh: { command: x, enabled: maybe } } }",
      /^Invalid mcp\.servers\.gh\.enabled "maybe" \(from .*\): must be true or false$/,
    ],
    [
      "mcp: { servers: { gh: { command: '  ' } } }",
      /^Invalid mcp\.servers\.gh\.command "" \(from .*\): must not be empty$/,
    ],
    [
      "mcp: { servers: { 'my server': { command: x } } }",
      /^Invalid mcp\.servers\.my server "my server" \(from .*\): must be a server name of letters/,
    ],
    ["mcp: { servers: { a__b: { command: x } } }", /no double underscore/],
    [
      "mcp: { servers: { gh: { url: 'http://x', headers: { Authorization: [secret-token] } } } }",
      /^Invalid mcp\.servers\.gh\.headers\.Authorization "\*\*\*" \(from .*\): must be a string$/,
    ],
    ["mcp: { timeout: soon }", /^Invalid mcp\.timeout "soon" \(from .*\): must be a duration/],
  ];
  for (const [yaml, expected] of cases) {
    const message = await rejectionMessage(() => loadFromFiles({ globalYaml: yaml }));
    assert.match(message, expected, yaml);
    assert.ok(!message.includes("secret-token"), "a header value is never echoed");
  }
});
