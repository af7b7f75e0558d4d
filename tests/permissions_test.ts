/** The dev task, the test task and the compiled binary give kodelet the same named permissions. */
import assert from "node:assert/strict";
import { PERMISSIONS } from "../scripts/build.ts";
import { installFromSource } from "./support/readme.ts";

Deno.test("deno.json's dev and test tasks name exactly the permissions the binary is compiled with", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url))) as {
    tasks: Record<string, string>;
  };
  for (const task of ["dev", "test"]) {
    const named = (config.tasks[task] ?? "").match(/--allow-[a-z]+/g) ?? [];
    assert.deepEqual([...new Set(named)].sort(), [...PERMISSIONS].sort(), task);
    assert.ok(!/\s-A\b|--allow-all/.test(config.tasks[task] ?? ""), `${task} uses no blanket -A`);
  }
});

Deno.test("the README's deno install --global line names exactly those permissions too", () => {
  const global = installFromSource()[1] ?? "";
  assert.ok(global.startsWith("deno install --global"), global);
  const named = global.match(/--allow-[a-z]+/g) ?? [];
  assert.deepEqual([...new Set(named)].sort(), [...PERMISSIONS].sort());
  assert.ok(!/\s-A\b|--allow-all/.test(global));
});
