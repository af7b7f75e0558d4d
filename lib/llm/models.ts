/** Default models per provider. */

/** A current Sonnet-class model that SDK 1.11.0 does not mark deprecated (claude-sonnet-4-5 is). */
export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-5-5";
/** OpenAI's default: a current general model from SDK 7.57.0's list. */
export const DEFAULT_OPENAI_MODEL = "gpt-5.5";

/** The model to use for a provider when none is configured. */
export function defaultModel(provider: "anthropic" | "openai"): string {
  return provider === "anthropic" ? DEFAULT_ANTHROPIC_MODEL : DEFAULT_OPENAI_MODEL;
}
