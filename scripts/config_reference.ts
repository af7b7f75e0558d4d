/**
 * Prints the configuration reference (every key, its env vars and flag) as the Markdown table the
 * README carries; tests/readme_test.ts checks that the README names every key and variable.
 *
 *   deno run scripts/config_reference.ts
 */
import { KEYS } from "../lib/config/mod.ts";
import { projectPolicy } from "../lib/config/keys.ts";

/** The Markdown table. */
export function configReference(): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const rows = KEYS.map((spec) => {
    const env = spec.env.map((source) => `\`${source.name}\``).join(", ");
    const flag = spec.flag ? `\`--${spec.flag.name}\`` : "";
    const fallback = spec.defaultText ??
      (spec.default === undefined ? "unset" : `\`${cell(JSON.stringify(spec.default))}\``);
    const project = projectPolicy(spec);
    return `| \`${spec.key}\` | ${env} | ${flag} | ${cell(fallback)} | ${project} | ${
      cell(spec.description)
    } |`;
  });
  return [
    "| key | env vars (first wins) | flag | default | project file | meaning |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

if (import.meta.main) console.log(configReference());
