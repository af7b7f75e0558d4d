/**
 * The web_fetch tool: GETs a URL within a size and a time limit; HTML becomes markdown (turndown),
 * other text comes back as it is, binary content is refused. The span records the URL without its
 * query string or credentials.
 */
import * as z from "zod/mini";
import { GENERAL, KODELET, safeUrl } from "../telemetry/mod.ts";
import { looksBinary, SNIFF_BYTES } from "./_fs.ts";
import { defineTool, toolError, toolOutput } from "./tool.ts";

/** The most bytes of a response body that are read. */
export const MAX_FETCH_BYTES = 2 * 1024 * 1024;
/** Default time limit for the whole request, body included. */
export const DEFAULT_FETCH_TIMEOUT_SECONDS = 30;

/** The web_fetch tool's parameters. */
export const webFetchParameters = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an absolute http:// or https:// URL" }).check(z.describe(
    "The http:// or https:// URL to GET.",
  )),
  timeout_seconds: z.optional(z.int().check(z.minimum(1), z.maximum(120))).check(z.describe(
    `Seconds before the request is abandoned (1-120, default ${DEFAULT_FETCH_TIMEOUT_SECONDS}).`,
  )),
});

/** The part of turndown's API used here (the package ships no types). */
interface Turndown {
  turndown(html: string): string;
  remove(filter: string[]): Turndown;
}
type TurndownConstructor = new (options: Record<string, string>) => Turndown;

/**
 * Converts an HTML page to markdown, dropping scripts, styles and other non-content. turndown is
 * loaded here, on the first HTML page, not with the tool set: most runs never fetch one.
 */
export async function htmlToMarkdown(html: string): Promise<string> {
  const { default: TurndownService } = await import("turndown");
  const converter = new (TurndownService as unknown as TurndownConstructor)({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
  })
    .remove(["script", "style", "noscript", "template", "iframe", "svg", "canvas", "head", "title"]);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  const markdown = converter.turndown(html).replace(/\n{3,}/g, "\n\n").trim();
  return title ? `Title: ${title}\n\n${markdown}` : markdown;
}

type Kind = "html" | "text" | "binary" | "sniff";

/** What to do with a body of this media type. */
function kindOf(contentType: string): Kind {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  if (
    type.startsWith("text/") ||
    /^application\/(.+\+)?(json|xml|javascript|ecmascript|yaml|x-yaml|toml|x-sh|sql|graphql)$/.test(type)
  ) return "text";
  if (
    /^(image|audio|video|font)\//.test(type) ||
    /^application\/(pdf|zip|gzip|x-tar|x-7z-compressed|wasm)$/.test(type)
  ) {
    return "binary";
  }
  return "sniff";
}

/** Reads at most `limit` bytes of a body, cancelling the rest. */
async function readLimited(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let truncated = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (length + value.length > limit) {
        chunks.push(value.subarray(0, limit - length));
        length = limit;
        truncated = true;
        break;
      }
      chunks.push(value);
      length += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes, truncated };
}

/** Removes credentials, query strings and fragments from URLs inside a message (errors quote the URL). */
function scrubUrls(message: string): string {
  return message
    .replace(/(https?:\/\/)[^\s/@]*@/gi, "$1")
    .replace(/(https?:\/\/[^\s?#)]*)[?#][^\s)]*/gi, "$1");
}

function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /charset="?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes); // unknown charset label
  }
}

/** Fetches web pages. */
export const webFetchTool = defineTool({
  name: "web_fetch",
  description: [
    "Fetches a URL with HTTP GET and returns its content: HTML pages converted to markdown, other text (JSON,",
    `plain text, source code) as it is. Binary content (images, PDFs, archives) is refused. At most ${
      MAX_FETCH_BYTES / 1024 / 1024
    } MiB`,
    `are read, within timeout_seconds (default ${DEFAULT_FETCH_TIMEOUT_SECONDS}).`,
  ].join(" "),
  parameters: webFetchParameters,
  readOnly: true,
  async execute(args, ctx) {
    const url = new URL(args.url);
    const shown = safeUrl(url);
    ctx.record({ [GENERAL.URL_FULL]: shown, [GENERAL.SERVER_ADDRESS]: url.hostname });
    const seconds = args.timeout_seconds ?? DEFAULT_FETCH_TIMEOUT_SECONDS;
    const deadline = new AbortController();
    // A plain timer (not AbortSignal.timeout) so it is cleared when the request is done.
    const timer = setTimeout(
      () => deadline.abort(new DOMException("timed out", "TimeoutError")),
      seconds * 1000,
    );
    const signal = AbortSignal.any([ctx.signal, deadline.signal]);
    try {
      const response = await ctx.fetch(url, {
        signal,
        headers: { accept: "text/html, text/markdown, text/plain;q=0.9, application/json;q=0.9, */*;q=0.5" },
      });
      ctx.record({ [GENERAL.HTTP_STATUS_CODE]: response.status });
      const contentType = response.headers.get("content-type") ?? "";
      let kind = kindOf(contentType);
      if (kind === "binary") {
        await response.body?.cancel();
        return toolError(
          "binary_content",
          `${shown} returned binary content (${contentType}); only text can be shown.`,
        );
      }
      const { bytes, truncated } = response.body
        ? await readLimited(response.body, MAX_FETCH_BYTES)
        : { bytes: new Uint8Array(), truncated: false };
      ctx.record({ [KODELET.OUTPUT_BYTES]: bytes.length });
      if (kind === "sniff") {
        if (looksBinary(bytes.subarray(0, SNIFF_BYTES))) {
          return toolError(
            "binary_content",
            `${shown} returned binary content (${contentType || "no content type"}).`,
          );
        }
        kind = /^\s*(<!doctype html|<html)/i.test(decode(bytes.subarray(0, 1024), contentType))
          ? "html"
          : "text";
      }
      const text = decode(bytes, contentType);
      const body = kind === "html" ? await htmlToMarkdown(text) : text;
      if (!response.ok) {
        return toolError(
          "http_error",
          `HTTP ${response.status} ${response.statusText} from ${shown}:\n${body.slice(0, 2000)}`,
        );
      }
      const note = truncated
        ? `\n\n[truncated: the response is larger than ${
          MAX_FETCH_BYTES / 1024 / 1024
        } MiB; only the start was read]`
        : "";
      return toolOutput(`${shown} (${contentType || "no content type"})\n\n${body}${note}`);
    } catch (error) {
      if (deadline.signal.aborted && !ctx.signal.aborted) {
        return toolError("timeout", `Fetching ${shown} took longer than ${seconds} s and was abandoned.`);
      }
      if (ctx.signal.aborted) return toolError("cancelled", "Cancelled by the user.");
      const message = scrubUrls(error instanceof Error ? error.message : String(error));
      return toolError("fetch_failed", `Fetching ${shown} failed: ${message}`);
    } finally {
      clearTimeout(timer);
    }
  },
});
