/**
 * Syntax highlighting of code blocks: highlight.js grammars (through lowlight) mapped to a few
 * colours. The grammars take ~0.2 s to load, so they are loaded on demand: the chat starts loading
 * them after its first frame, `run` waits for them before it prints; a code block drawn before they
 * are in is plain.
 */
import type { createLowlight } from "lowlight";
import type { Style, StyleName } from "../format.ts";

let lowlight: ReturnType<typeof createLowlight> | undefined;
let loading: Promise<void> | undefined;

/** Loads the grammars once; resolves when code blocks can be highlighted. */
export function loadHighlighter(): Promise<void> {
  loading ??= import("lowlight").then(({ common, createLowlight }) => {
    lowlight = createLowlight(common);
  });
  return loading;
}

/** highlight.js scopes to colours; unlisted scopes keep the default colour. */
const SCOPES: Record<string, StyleName> = {
  keyword: "magenta",
  built_in: "cyan",
  type: "cyan",
  literal: "blue",
  number: "blue",
  string: "green",
  regexp: "red",
  comment: "gray",
  doctag: "gray",
  meta: "gray",
  title: "yellow",
  "title.function": "yellow",
  "title.class": "yellow",
  attr: "yellow",
  attribute: "yellow",
  variable: "red",
  "template-variable": "red",
  tag: "red",
  name: "red",
  symbol: "blue",
  addition: "green",
  deletion: "red",
  section: "yellow",
};

interface HastNode {
  type: string;
  value?: string;
  properties?: { className?: unknown };
  children?: HastNode[];
}

function scopeOf(node: HastNode): StyleName | undefined {
  const classes = node.properties?.className;
  if (!Array.isArray(classes)) return undefined;
  for (const name of classes) {
    if (typeof name !== "string") continue;
    const scope = name.replace(/^hljs-/, "").replace(/_$/, "");
    const style = SCOPES[scope] ?? SCOPES[scope.split(".")[0] ?? ""];
    if (style) return style;
  }
  return undefined;
}

function render(node: HastNode, paint: (name: StyleName, text: string) => string): string {
  if (node.type === "text") return node.value ?? "";
  const inner = (node.children ?? []).map((child) => render(child, paint)).join("");
  const scope = node.type === "element" ? scopeOf(node) : undefined;
  return scope ? paint(scope, inner) : inner;
}

/** The code with ANSI colours for its language; plain when the language is unknown or colour is off. */
export function highlightCode(code: string, language: string, style: Style): string {
  if (!style.color || language === "" || !lowlight) return code;
  const name = language.toLowerCase();
  if (!lowlight.registered(name)) return code;
  try {
    // Styles are applied per line so that every line of a multi-line comment or string stays coloured.
    const tree = lowlight.highlight(name, code) as unknown as HastNode;
    return render(tree, (name, text) => text.split("\n").map((line) => style(name, line)).join("\n"));
  } catch {
    return code;
  }
}
