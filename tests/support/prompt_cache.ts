/**
 * A model of Anthropic's prompt caching for the scripted LLM server, so that a test can see whether
 * kodelet's requests would read the earlier turns from the cache. The prompt is the sequence
 * tools → system → message content blocks; a `cache_control` on a block is a breakpoint. A request
 * reads the longest earlier-written prefix that ends at one of its breakpoints or within the 20 blocks
 * before one (the API's lookback), and writes a cache entry at each of its breakpoints. Tokens are
 * estimated as a quarter of each block's JSON length: the figures are relative, not the API's.
 */

type Json = Record<string, unknown>;

/** The token counts a request would report. */
export interface CachedUsage {
  input: number;
  cacheRead: number;
  cacheCreation: number;
}

/** How far before a breakpoint the API looks for an earlier cache entry. */
const LOOKBACK_BLOCKS = 20;

interface Block {
  /** Identity of the prompt up to and including this block. */
  prefix: string;
  tokens: number;
  breakpoint: boolean;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The block without its cache_control, so that moving a breakpoint does not change the prefix. */
function identity(value: Json): string {
  const { cache_control: _ignored, ...rest } = value;
  return JSON.stringify(rest);
}

function blocksOf(body: Json): Block[] {
  const raw: { value: Json; role: string }[] = [];
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (isObject(tool)) raw.push({ value: tool, role: "tool" });
  }
  const system = body.system;
  if (typeof system === "string") raw.push({ value: { type: "text", text: system }, role: "system" });
  for (const block of Array.isArray(system) ? system : []) {
    if (isObject(block)) raw.push({ value: block, role: "system" });
  }
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObject(message)) continue;
    const role = String(message.role);
    const content = message.content;
    if (typeof content === "string") raw.push({ value: { type: "text", text: content }, role });
    for (const block of Array.isArray(content) ? content : []) {
      if (isObject(block)) raw.push({ value: block, role });
    }
  }
  let prefix = `model=${String(body.model)}`;
  return raw.map(({ value, role }) => {
    const text = identity(value);
    prefix = `${prefix}\u0000${role}:${text}`;
    return { prefix, tokens: Math.ceil(text.length / 4), breakpoint: isObject(value.cache_control) };
  });
}

/** The prompt cache of one server: what earlier requests wrote. */
export class PromptCache {
  readonly #written = new Set<string>();

  /** What `body` would read from and write to the cache, and the rest of its input. */
  usageFor(body: Json): CachedUsage {
    const blocks = blocksOf(body);
    const total = blocks.reduce((sum, block) => sum + block.tokens, 0);
    const upTo = (index: number) => blocks.slice(0, index + 1).reduce((sum, block) => sum + block.tokens, 0);
    let hit = -1;
    blocks.forEach((block, index) => {
      if (!block.breakpoint) return;
      for (let back = index; back >= Math.max(0, index - LOOKBACK_BLOCKS); back--) {
        if (this.#written.has(blocks[back]?.prefix ?? "")) {
          hit = Math.max(hit, back);
          break;
        }
      }
    });
    const lastBreakpoint = blocks.findLastIndex((block) => block.breakpoint);
    for (const block of blocks) if (block.breakpoint) this.#written.add(block.prefix);
    const cacheRead = hit >= 0 ? upTo(hit) : 0;
    const cacheCreation = lastBreakpoint > hit ? upTo(lastBreakpoint) - cacheRead : 0;
    return { input: total - cacheRead - cacheCreation, cacheRead, cacheCreation };
  }
}
