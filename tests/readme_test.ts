/** The README stays true: its configuration reference is the one the key table generates. */
import assert from "node:assert/strict";
import { configReference } from "../scripts/config_reference.ts";
import { KEYS } from "../lib/config/mod.ts";
import { installFromSource } from "./support/readme.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));

Deno.test("README carries the configuration reference generated from the key table", () => {
  assert.ok(
    readme.includes(configReference()),
    "README's table is stale: replace it with the output of `scripts/update_readme_reference.sh`",
  );
});

Deno.test("README names every configuration key and env var", () => {
  const missing = KEYS.flatMap((spec) => [spec.key, ...spec.env.map((env) => env.name)])
    .filter((name) => !readme.includes(name));
  assert.deepEqual(missing, []);
});

Deno.test("README gives the one command that runs the tests and the one that runs kodelet", () => {
  assert.match(readme, /```sh\ndeno task test\n```/);
  assert.match(readme, /deno task dev run /);
});

Deno.test("README installs from source in two commands: clone and install, then kodelet on PATH", () => {
  const [first, second, ...more] = installFromSource(readme);
  assert.deepEqual(more, []);
  assert.match(first ?? "", /^git clone \S+ && cd kodelet && deno install$/);
  assert.match(second ?? "", /^deno install --global .*--name kodelet .*main\.ts"?$/);
});
