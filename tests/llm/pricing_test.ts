// The price table against the model lists of the SDKs deno.json pins, and the cost arithmetic.
// Reads the SDKs' .d.ts files from Deno's npm cache; needs no network.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import { costUsd, type ModelPrice, priceOf, PRICES, type TokenCounts } from "../../lib/llm/pricing.ts";

// Typed against the SDKs so a model the SDKs drop fails type-checking here too.
const OPUS_5_5: Anthropic.Model = "claude-opus-5-5";
const HAIKU_5_5: Anthropic.Model = "claude-haiku-5-5";
const SONNET_5_5: Anthropic.Model = "claude-sonnet-5-5";
const GPT_5: OpenAI.ChatModel = "gpt-5";
const GPT_6_SOL: OpenAI.ChatModel = "gpt-6-sol";

const NONE: TokenCounts = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

function tokens(counts: Partial<TokenCounts>): TokenCounts {
  return { ...NONE, ...counts };
}

function assertClose(actual: number | undefined, expected: number, message?: string): void {
  assert.equal(typeof actual, "number", message ?? `expected a cost, got ${actual}`);
  const diff = Math.abs((actual ?? Number.NaN) - expected);
  assert.ok(
    diff <= 1e-12 * Math.max(1, Math.abs(expected)),
    message ?? `expected ${expected}, got ${actual}`,
  );
}

/** The folder of an installed npm package, found from its bare specifier in deno.json's imports. */
async function packageDir(specifier: string, packageName: string): Promise<string> {
  const resolved = import.meta.resolve(specifier);
  if (resolved.startsWith("file:")) {
    // Global npm cache or node_modules: walk up from the entry point to the package's package.json.
    let dir = dirname(fileURLToPath(resolved));
    while (true) {
      try {
        const manifest: unknown = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
        if (isRecord(manifest) && manifest.name === packageName) return dir;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  // Otherwise ask Deno where it keeps the package.
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", resolved],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, `deno info ${resolved} failed: ${new TextDecoder().decode(output.stderr)}`);
  const info: unknown = JSON.parse(new TextDecoder().decode(output.stdout));
  const packages = isRecord(info) && isRecord(info.npmPackages) ? Object.values(info.npmPackages) : [];
  for (const entry of packages) {
    if (isRecord(entry) && entry.name === packageName && typeof entry.localPath === "string") {
      return entry.localPath;
    }
  }
  throw new Error(`cannot find the folder of ${packageName} (resolved ${specifier} to ${resolved})`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The string literals of `export type <name> = 'a' | 'b' | (string & {});` in a .d.ts file. */
async function unionMembers(file: string, typeName: string): Promise<string[]> {
  const source = await Deno.readTextFile(file);
  const declaration = new RegExp(`export type ${typeName}\\s*=([^;]*);`).exec(source);
  assert.ok(declaration?.[1] !== undefined, `no "export type ${typeName}" in ${file}`);
  const members = [...declaration[1].matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? "");
  // A parse that finds almost nothing means the file changed shape, not that the SDK lists no models.
  assert.ok(members.length >= 10, `only ${members.length} ids parsed from ${typeName} in ${file}`);
  return members;
}

function withoutPrice(ids: string[]): string[] {
  return ids.filter((id) => !Object.hasOwn(PRICES, id));
}

Deno.test("every model of the pinned Anthropic SDK has its own price entry", async () => {
  const dir = await packageDir("@anthropic-ai/sdk", "@anthropic-ai/sdk");
  const ids = await unionMembers(join(dir, "resources", "messages", "messages.d.ts"), "Model");
  assert.ok(ids.includes(OPUS_5_5));
  assert.deepEqual(withoutPrice(ids), [], "add these Anthropic models to lib/llm/pricing.ts");
});

Deno.test("every model of the pinned OpenAI SDK has its own price entry", async () => {
  const dir = await packageDir("openai", "openai");
  const ids = await unionMembers(join(dir, "resources", "shared.d.ts"), "ChatModel");
  assert.ok(ids.includes(GPT_5));
  assert.deepEqual(withoutPrice(ids), [], "add these OpenAI models to lib/llm/pricing.ts");
});

Deno.test("every price is a sane, frozen number set", () => {
  assert.ok(Object.isFrozen(PRICES));
  const rates = (p: Omit<ModelPrice, "longPrompt">) => [p.input, p.output, p.cacheRead, p.cacheWrite];
  for (const [id, entry] of Object.entries(PRICES)) {
    assert.ok(Object.isFrozen(entry), `${id} is not frozen`);
    for (const rate of rates(entry)) assert.ok(Number.isFinite(rate) && rate >= 0, `${id}: bad rate ${rate}`);
    assert.ok(entry.input > 0 && entry.output > 0, `${id}: input and output must cost something`);
    assert.ok(entry.cacheRead <= entry.input, `${id}: a cache read dearer than input`);
    if (entry.longPrompt !== undefined) {
      const long = entry.longPrompt;
      assert.ok(Number.isInteger(long.thresholdTokens) && long.thresholdTokens > 0, `${id}: bad threshold`);
      const [baseRates, longRates] = [rates(entry), rates(long)];
      longRates.forEach((rate, i) =>
        assert.ok(rate >= (baseRates[i] ?? 0), `${id}: long-prompt rate below base`)
      );
    }
  }
});

Deno.test("an Anthropic request with cache reads and writes", () => {
  // Claude Opus 5.5: $4 input, $20 output, $0.20 cache hits, $5 5-minute cache writes per MTok.
  const cost = costUsd(OPUS_5_5, { input: 10_000, output: 2_000, cacheRead: 50_000, cacheWrite: 4_000 });
  assertClose(cost, 0.04 + 0.04 + 0.01 + 0.02);
  assertClose(costUsd(SONNET_5_5, tokens({ cacheRead: 1_000_000 })), PRICES[SONNET_5_5]?.cacheRead ?? -1);
});

Deno.test("an OpenAI request: cached input at the cached rate, no cache-write charge", () => {
  // GPT-5: $1.25 input, $0.125 cached input, $10 output per MTok. prompt_tokens 12,000 of which
  // 8,000 cached: the caller passes input = 12,000 - 8,000.
  assert.equal(PRICES[GPT_5]?.cacheWrite, 0);
  const cost = costUsd(GPT_5, { input: 12_000 - 8_000, output: 1_000, cacheRead: 8_000, cacheWrite: 0 });
  assertClose(cost, 0.005 + 0.01 + 0.001);
});

Deno.test("an OpenAI model that bills cache writes", () => {
  // GPT-6 Sol: $2 input, $0.20 cached, $2.50 cache writes, $10 output per MTok.
  const cost = costUsd(GPT_6_SOL, { input: 1_000, output: 1_000, cacheRead: 10_000, cacheWrite: 20_000 });
  assertClose(cost, 0.002 + 0.01 + 0.002 + 0.05);
});

Deno.test("a known model with no tokens costs $0, not unknown", () => {
  assert.equal(costUsd(GPT_5, NONE), 0);
});

Deno.test("dated and suffixed ids fall back to the longest known prefix followed by '-'", () => {
  assert.equal(priceOf("claude-sonnet-5-5-20261001"), PRICES["claude-sonnet-5-5"]);
  // "claude-sonnet-5" is also a prefix, but the longer "claude-sonnet-5-5" wins.
  assert.notEqual(PRICES["claude-sonnet-5"], PRICES["claude-sonnet-5-5"]);
  assert.equal(priceOf("claude-sonnet-5-20260630"), PRICES["claude-sonnet-5"]);
  assert.equal(priceOf("gpt-4o-mini-2099-01-01"), PRICES["gpt-4o-mini"]);
  assert.equal(priceOf("gpt-5.4-mini-2099-01-01"), PRICES["gpt-5.4-mini"]);
  // Exact ids win over prefixes: this snapshot is dearer than gpt-4o.
  assert.equal(priceOf("gpt-4o-2024-05-13")?.input, 5);
  // A guard entry keeps a pro model from being priced as its far cheaper base model.
  assert.equal(priceOf("o3-pro-2025-06-10"), PRICES["o3-pro"]);
  assertClose(
    costUsd("claude-opus-5-5-20261120", tokens({ input: 1_000_000 })),
    costUsd(OPUS_5_5, tokens({ input: 1_000_000 })) ?? -1,
  );
});

Deno.test("a prefix only counts when followed by '-'", () => {
  assert.equal(priceOf("claude-sonnet-55"), undefined);
  assert.equal(priceOf("gpt-5.4x"), undefined);
  assert.equal(priceOf("o3mini"), undefined);
  assert.equal(priceOf("gpt-5."), undefined);
});

Deno.test("an unknown model has no price and no cost", () => {
  for (const model of ["llama3.2:3b", "qwen2.5-coder:7b", "local-model", "", "claude", "gpt"]) {
    assert.equal(priceOf(model), undefined, model);
    assert.equal(costUsd(model, tokens({ input: 1_000, output: 1_000 })), undefined, model);
  }
  // Not inherited object properties either.
  assert.equal(priceOf("constructor"), undefined);
  assert.equal(priceOf("__proto__"), undefined);
});

Deno.test("Claude Haiku 5.5's long-prompt tier applies to the whole request above 100K prompt tokens", () => {
  const haiku = PRICES[HAIKU_5_5];
  assert.equal(haiku?.longPrompt?.thresholdTokens, 100_000);
  // Exactly 100K prompt tokens (input + cache reads + cache writes): base rates.
  const atThreshold = { input: 40_000, output: 10_000, cacheRead: 50_000, cacheWrite: 10_000 };
  assertClose(
    costUsd(HAIKU_5_5, atThreshold),
    (40_000 * 0.1 + 10_000 * 0.5 + 50_000 * 0.01 + 10_000 * 0.125) / 1e6,
  );
  // One more cache read crosses it: every token, output included, at the long-prompt rates.
  const over = { ...atThreshold, cacheRead: 50_001 };
  assertClose(costUsd(HAIKU_5_5, over), (40_000 * 0.5 + 10_000 * 2.5 + 50_001 * 0.05 + 10_000 * 0.625) / 1e6);
});

Deno.test("OpenAI's > 272K tier doubles input and cache rates and multiplies output by 1.5", () => {
  const sol = PRICES[GPT_6_SOL];
  assert.deepEqual(sol?.longPrompt, {
    thresholdTokens: 272_000,
    input: 4,
    output: 15,
    cacheRead: 0.4,
    cacheWrite: 5,
  });
  assertClose(
    costUsd(GPT_6_SOL, tokens({ input: 272_000, output: 1_000 })),
    (272_000 * 2 + 1_000 * 10) / 1e6,
  );
  assertClose(
    costUsd(GPT_6_SOL, tokens({ input: 200_000, cacheRead: 72_001, output: 1_000 })),
    (200_000 * 4 + 72_001 * 0.4 + 1_000 * 15) / 1e6,
  );
});

Deno.test("invalid token counts are rejected", () => {
  assert.throws(() => costUsd(GPT_5, tokens({ input: -1 })), RangeError);
  assert.throws(() => costUsd(GPT_5, tokens({ output: Number.NaN })), RangeError);
  assert.throws(() => costUsd(GPT_5, tokens({ cacheRead: Number.POSITIVE_INFINITY })), RangeError);
});
