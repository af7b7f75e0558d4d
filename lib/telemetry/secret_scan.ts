/**
 * Finds credentials in a text with the rules of secretlint's recommended preset (AWS, GCP, Slack,
 * GitHub, GitLab, Stripe, npm, OpenAI, Anthropic, private keys, database connection strings, ...),
 * a maintained list, instead of a hand-grown regex. The rules are run directly and synchronously,
 * each on the whole text, and only the ranges they report are used; their messages (which quote the
 * secret) are never kept.
 */
import { rules } from "@secretlint/secretlint-rule-preset-recommend";

type Range = readonly [number, number];

interface ScanContext {
  report(descriptor: { range: Range }): void;
  createTranslator(messages: unknown): (id: string) => string;
  ignore(): void;
  registerRule(): void;
}

interface ScanRule {
  meta: { id: string };
  create(context: ScanContext, options: Record<string, unknown>): { file?: (source: unknown) => void };
}

/**
 * The preset's scanners. The comment filter (secretlint-disable comments) is left out: a comment in
 * a text we record must not switch redaction off.
 */
const SCANNERS = (rules as unknown as ScanRule[]).filter((rule) => !rule.meta.id.endsWith("filter-comments"));

let found: Range[] = [];
const context: ScanContext = {
  report: (descriptor) => void found.push(descriptor.range),
  createTranslator: () => (id) => id,
  ignore: () => {},
  registerRule: () => {},
};
// Each rule is created once: creating it only reads its options.
const handlers = SCANNERS.map((rule) => rule.create(context, {}).file).filter((file) => file !== undefined);

/** The ranges [start, end) of credentials the rules find in text, unsorted, possibly overlapping. */
export function findSecrets(text: string): Range[] {
  found = [];
  const source = { content: text, filePath: "recorded.txt", ext: ".txt", contentType: "text" };
  for (const handler of handlers) {
    try {
      handler(source);
    } catch {
      // A rule that fails on an odd input must not stop the others (or the export).
    }
  }
  const result = found;
  found = [];
  return result;
}
