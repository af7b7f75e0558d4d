/**
 * kodelet's test MCP server over stdio (the fixture tools). Run with `deno run`; arguments pick a
 * fault: `--exit-at-start` exits at once with a message on stderr, `--silent-at-start` never answers
 * and survives the end of stdin and SIGTERM. With MCP_FIXTURE_RECORD set, each tools/call's `_meta` is appended to that file
 * as one JSON line; with MCP_FIXTURE_PID set, the process id is appended to that file at start.
 */
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { fixtureServer } from "./fixture_tools.ts";

const pidFile = Deno.env.get("MCP_FIXTURE_PID");
if (pidFile) Deno.writeTextFileSync(pidFile, `${Deno.pid}\n`, { append: true });
if (Deno.args.includes("--exit-at-start")) {
  console.error("fixture: cannot start (on purpose)");
  Deno.exit(4);
}
if (Deno.args.includes("--silent-at-start")) {
  // A stubborn server: it answers nothing and outlives the end of its stdin and SIGTERM, so only
  // SIGKILL ends it.
  Deno.addSignalListener("SIGTERM", () => {});
  setInterval(() => {}, 60_000);
  for await (const _ of Deno.stdin.readable) {
    // Swallow everything.
  }
}
const record = Deno.env.get("MCP_FIXTURE_RECORD");
const server = fixtureServer((call) => {
  if (record) Deno.writeTextFileSync(record, JSON.stringify(call) + "\n", { append: true });
});
await server.connect(new StdioServerTransport());
