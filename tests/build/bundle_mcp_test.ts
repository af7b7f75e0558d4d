/**
 * The bundle the binary is compiled from reads a config file and speaks MCP: the YAML parser and the
 * MCP SDK (loaded through dynamic imports, so each in its own chunk) work bundled, not only from the
 * sources.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bundle, PERMISSIONS } from "../../scripts/build.ts";
import { fixtureStdio } from "../support/mcp/servers.ts";
import { tempDir } from "../support/run_kodelet.ts";

Deno.test("the bundle reads mcp.servers from config.yaml and lists the fixture server's tools", async () => {
  await using out = await tempDir("kodelet-bundle-mcp-");
  const entry = await bundle(out.path);
  await using home = await tempDir();
  const server = await fixtureStdio("fx");
  const document = {
    mcp: { servers: { fx: { command: server.command, args: server.args, env: server.env } } },
  };
  await Deno.mkdir(join(home.path, ".kodelet"));
  await Deno.writeTextFile(join(home.path, ".kodelet", "config.yaml"), JSON.stringify(document));
  const list = await new Deno.Command(Deno.execPath(), {
    // --no-config: the bundle carries every package; nothing of the checkout is needed.
    args: ["run", "--no-config", ...PERMISSIONS, entry, "mcp", "list"],
    cwd: home.path,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: home.path, DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(list.code, 0, new TextDecoder().decode(list.stderr));
  const stdout = new TextDecoder().decode(list.stdout);
  assert.match(stdout, /^fx · stdio · ok · 7 tools$/m);
  assert.match(stdout, /^ {2}mcp__fx__echo +read-only {2}Echoes the message back$/m);
});
