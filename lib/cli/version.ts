/** `kodelet version`: what this build is. */
import { BUILD_INFO } from "../build_info.ts";
import { VERSION } from "../version.ts";
import type { Command } from "./command.ts";

/** The version report, one fact per line. */
export function versionReport(): string {
  return [
    `kodelet ${VERSION}`,
    `commit: ${BUILD_INFO.commit}`,
    `built: ${BUILD_INFO.date || "from source"}`,
    `deno: ${Deno.version.deno}`,
    `target: ${BUILD_INFO.target || Deno.build.target}`,
    "",
  ].join("\n");
}

/** The command. */
export const versionCommand: Command = {
  path: ["version"],
  summary: "print version, commit, build date, Deno version and target",
  usage: "",
  flags: [],
  args: { min: 0, max: 0 },
  run(context) {
    context.io.stdout(versionReport());
    return Promise.resolve(0);
  },
};
