/**
 * Run inside a real terminal by sandbox_test.ts: says whether this process has the terminal, then
 * runs a sandboxed bash command that tries to open its controlling terminal (/dev/tty), the way a
 * TIOCSTI attack on the user's shell would start. Usage: _sandbox_tty_probe.ts WORKDIR
 */
import { silentLogger } from "../../lib/log.ts";
import { InMemoryFileReadTracker, InMemoryTodoStore } from "../../lib/tools/file_state.ts";
import { bashTool } from "../../lib/tools/bash.ts";
import { BashSandbox } from "../../lib/tools/sandbox.ts";

const work = Deno.args[0] as string;
console.log(`parent terminal: ${Deno.stdin.isTerminal() ? "yes" : "no"}`);
const result = await bashTool.execute({
  command: "if { : </dev/tty; } 2>/dev/null; then echo sandbox-tty-opened; else echo sandbox-no-tty; fi",
}, {
  cwd: work,
  signal: new AbortController().signal,
  callId: "tty-probe",
  log: silentLogger,
  env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  record: () => {},
  capture: () => {},
  files: new InMemoryFileReadTracker(),
  todos: new InMemoryTodoStore(),
  fetch: globalThis.fetch,
  sandbox: new BashSandbox({ enabled: true, network: false, tmpDir: work }),
});
console.log(result.ok ? result.output.trim() : `error ${result.error.kind}`);
