/**
 * permissions.sandbox and permissions.sandbox_network: defaults, every source, and what an untrusted
 * project may do with them (turn the sandbox on, never off, never open its network).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig, trustDirectory, trustFilePath } from "../../lib/config/mod.ts";
import { loadFromFiles, rejectionMessage } from "./_load.ts";

Deno.test("the sandbox is off by default, and its network off when it is on", async () => {
  const config = await loadFromFiles({});
  assert.equal(config.permissions.sandbox, false);
  assert.equal(config.permissions.sandboxNetwork, false);
});

Deno.test("permissions.sandbox and sandbox_network come from the user's file, env and flags", async () => {
  const fromFile = await loadFromFiles({
    globalYaml: "permissions:\n  sandbox: true\n  sandbox_network: true\n",
  });
  assert.equal(fromFile.permissions.sandbox, true);
  assert.equal(fromFile.permissions.sandboxNetwork, true);
  const fromEnv = await loadFromFiles({
    env: { KODELET_PERMISSIONS_SANDBOX: "1", KODELET_PERMISSIONS_SANDBOX_NETWORK: "true" },
  });
  assert.equal(fromEnv.permissions.sandbox, true);
  assert.equal(fromEnv.permissions.sandboxNetwork, true);
  const fromFlags = await loadFromFiles({
    globalYaml: "permissions:\n  sandbox: true\n",
    flags: { sandbox: false, "sandbox-network": true },
  });
  assert.equal(fromFlags.permissions.sandbox, false, "--no-sandbox beats the file");
  assert.equal(fromFlags.permissions.sandboxNetwork, true);
});

Deno.test("a bad permissions.sandbox value is one usage line naming its source", async () => {
  const message = await rejectionMessage(() =>
    loadFromFiles({ env: { KODELET_PERMISSIONS_SANDBOX: "maybe" } })
  );
  assert.equal(
    message,
    'Invalid permissions.sandbox "maybe" (from KODELET_PERMISSIONS_SANDBOX): must be true or false',
  );
  const fromProject = await rejectionMessage(() =>
    loadFromFiles({ localYaml: "permissions:\n  sandbox: maybe\n" })
  );
  assert.match(
    fromProject,
    /^Invalid permissions\.sandbox "maybe" \(from .*kodelet-config\.yaml\): must be true or false$/,
  );
});

Deno.test("an untrusted project may turn the sandbox on", async () => {
  const config = await loadFromFiles({ localYaml: "permissions:\n  sandbox: true\n" });
  assert.equal(config.permissions.sandbox, true);
  assert.deepEqual(config.warnings, []);
});

Deno.test("an untrusted project can neither turn the user's sandbox off nor open its network", async () => {
  const config = await loadFromFiles({
    globalYaml: "permissions:\n  sandbox: true\n",
    localYaml: "permissions:\n  sandbox: false\n  sandbox_network: true\n",
  });
  assert.equal(config.permissions.sandbox, true);
  assert.equal(config.permissions.sandboxNetwork, false);
  assert.ok(
    config.warnings.some((line) => /Ignored permissions\.sandbox in .*not trusted/.test(line)),
    config.warnings.join("\n"),
  );
  assert.ok(
    config.warnings.some((line) => /Ignored permissions\.sandbox_network in .*may never set it/.test(line)),
    config.warnings.join("\n"),
  );
});

Deno.test("a trusted project may turn the sandbox off, but still not open its network", async () => {
  const root = await Deno.makeTempDir({ prefix: "kodelet-sandbox-config-" });
  try {
    const home = join(root, "home");
    const cwd = join(root, "repo");
    await Deno.mkdir(join(home, ".kodelet"), { recursive: true });
    await Deno.mkdir(cwd);
    await Deno.writeTextFile(join(home, ".kodelet", "config.yaml"), "permissions:\n  sandbox: true\n");
    await Deno.writeTextFile(
      join(cwd, "kodelet-config.yaml"),
      "permissions:\n  sandbox: false\n  sandbox_network: true\n",
    );
    await trustDirectory(trustFilePath(join(home, ".kodelet")), cwd);
    const config = await loadConfig({ env: {}, flags: {}, cwd, home });
    assert.equal(config.permissions.sandbox, false);
    assert.equal(config.permissions.sandboxNetwork, false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
