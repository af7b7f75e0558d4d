/**
 * Splits a bash command into the simple commands it would run, with mvdan/sh's parser (the
 * `mvdan-sh` package: the real bash grammar, compiled to plain JavaScript, so it works in the
 * compiled binary without WebAssembly). `a && b`, `a; b`, `a | b`, `$(a)`, `` `a` ``, subshells,
 * loops and function bodies all yield their commands, so that a rule allowing `git status` cannot
 * be stretched over `git status; rm -rf src`.
 *
 * The parser is 3.7 MB of JavaScript (about 100 ms to load), so it is imported at the first bash
 * command judged, not when kodelet starts: most commands and many runs never need it.
 */

/** One simple command of a compound command line. */
export interface CommandPart {
  /** Its source text, redirections included, white space runs collapsed. */
  text: string;
  /** Its words; undefined where a word is not a literal (`$VAR`, `$(...)`, globs are literal here). */
  argv: (string | undefined)[];
  /** Its words as written (quotes and `$` included), one for each entry of argv. */
  raw: string[];
  /** `cd somewhere`: it changes nothing, so `cd dir && cmd` is judged on `cmd`. */
  isCd: boolean;
}

/** An output redirection target. */
export interface RedirectWrite {
  /** The target when it is a literal word. */
  target: string | undefined;
  /** Its source text, for messages. */
  text: string;
}

/** What a command line would do, as far as reading it can tell. */
export interface ParsedCommand {
  /** False when the parser refused the text: then nothing is known about its parts. */
  parsed: boolean;
  parts: CommandPart[];
  /** Files the command line writes through `>`, `>>`, `&>`, ... */
  writes: RedirectWrite[];
  /** A function that calls itself in a pipe or in the background: the shape of a fork bomb. */
  forkBomb: boolean;
}

// The package is GopherJS output with no type declarations; these are the few members used.
interface Position {
  Offset(): number;
}
interface ShNode {
  Pos(): Position;
  End(): Position;
}
interface WordPart extends ShNode {
  Value?: string;
  Parts?: WordPart[];
}
interface Word extends ShNode {
  Parts: WordPart[];
}
interface CallExpr extends ShNode {
  Args: Word[];
}
interface Redirect extends ShNode {
  OpPos: Position;
  Word: Word | null;
}
interface Stmt extends ShNode {
  Cmd: ShNode | null;
  Redirs: Redirect[];
}
interface FuncDecl extends ShNode {
  Name: { Value: string };
  Body: Stmt;
}
interface Syntax {
  NewParser(): { Parse(source: string, name: string): ShNode };
  Walk(node: ShNode, visit: (node: ShNode | null) => boolean): void;
  NodeType(node: ShNode): string;
}
// Set by loadSyntax() before any function below that reads it runs.
let syntax: Syntax;
let loading: Promise<Syntax> | undefined;

function loadSyntax(): Promise<Syntax> {
  loading ??= import("mvdan-sh").then((module) => {
    syntax = (module.default as unknown as { syntax: Syntax }).syntax;
    return syntax;
  });
  return loading;
}

/** Output redirection operators (input ones and here-documents write nothing). */
const WRITE_OPERATORS = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);

/** The literal value of a word, or undefined when it expands to something only bash knows. */
function literal(word: Word): string | undefined {
  let value = "";
  for (const part of word.Parts) {
    const type = syntax.NodeType(part);
    if ((type === "Lit" || type === "SglQuoted") && part.Value !== undefined) {
      value += part.Value;
    } else if (type === "DblQuoted") {
      for (const inner of part.Parts ?? []) {
        if (syntax.NodeType(inner) !== "Lit" || inner.Value === undefined) return undefined;
        value += inner.Value;
      }
    } else {
      return undefined;
    }
  }
  return value;
}

function sourceOf(source: string, node: ShNode): string {
  return source.slice(node.Pos().Offset(), node.End().Offset());
}

/** Whether a function body calls the function itself. */
function callsItself(decl: FuncDecl): boolean {
  let found = false;
  syntax.Walk(decl.Body, (node) => {
    if (node && syntax.NodeType(node) === "CallExpr") {
      const first = (node as CallExpr).Args[0];
      if (first && literal(first) === decl.Name.Value) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * Words the shell reads differently when they come first (keywords, declarations, `let`): a line
 * starting with one goes to the real parser.
 */
const SPECIAL_FIRST_WORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "case",
  "esac",
  "for",
  "select",
  "while",
  "until",
  "do",
  "done",
  "in",
  "function",
  "time",
  "coproc",
  "export",
  "local",
  "declare",
  "readonly",
  "typeset",
  "nameref",
  "let",
]);

/**
 * One plain command (`git status`, `npm test -- --watch`, `ls -la src/`): nothing but words of
 * letters, digits and `-_./:,+@%`, so no operator, quote, expansion, glob, redirection, assignment
 * or comment. Read without the grammar, since most commands a model runs look like this and the
 * parser costs ~100 ms to load; anything else returns undefined.
 */
export function plainCommand(command: string): ParsedCommand | undefined {
  if (!/^[\w\-./:,+@% ]+$/.test(command)) return undefined;
  const words = command.split(" ").filter((word) => word !== "");
  const first = words[0];
  if (first === undefined || SPECIAL_FIRST_WORDS.has(first)) return undefined;
  return {
    parsed: true,
    parts: [{ text: words.join(" "), argv: words, raw: words, isCd: first === "cd" && words.length <= 2 }],
    writes: [],
    forkBomb: false,
  };
}

/** Reads a command line into its simple commands and the files it redirects into. */
export async function parseCommand(command: string): Promise<ParsedCommand> {
  return plainCommand(command) ?? await parseWithGrammar(command);
}

/** parseCommand through mvdan/sh's parser, whatever the text (exported for the tests that compare). */
export async function parseWithGrammar(command: string): Promise<ParsedCommand> {
  await loadSyntax();
  let file: ShNode;
  try {
    file = syntax.NewParser().Parse(command, "");
  } catch {
    return {
      parsed: false,
      parts: [{ text: command.replace(/\s+/g, " ").trim(), argv: [], raw: [], isCd: false }],
      writes: [],
      forkBomb: false,
    };
  }
  const parts: CommandPart[] = [];
  const writes: RedirectWrite[] = [];
  let forkBomb = false;
  syntax.Walk(file, (node) => {
    if (node === null) return true;
    const type = syntax.NodeType(node);
    if (type === "Stmt") {
      const stmt = node as Stmt;
      for (const redirect of stmt.Redirs) {
        const operator = command.slice(redirect.OpPos.Offset(), redirect.Word?.Pos().Offset()).trim();
        if (!WRITE_OPERATORS.has(operator) || !redirect.Word) continue;
        writes.push({ target: literal(redirect.Word), text: sourceOf(command, redirect) });
      }
      const cmd = stmt.Cmd;
      const cmdType = cmd ? syntax.NodeType(cmd) : "";
      if (cmd && (cmdType === "CallExpr" || cmdType === "DeclClause")) {
        const text = sourceOf(command, stmt).replace(/[\s;&]+$/, "").replace(/\s+/g, " ").trim();
        const args = cmdType === "CallExpr" ? (cmd as CallExpr).Args : [];
        const argv = args.map(literal);
        const raw = args.map((word) => sourceOf(command, word));
        // A statement of assignments only (`a=1`) runs no command; its substitutions are walked below.
        if (cmdType === "DeclClause" || argv.length > 0) {
          parts.push({ text, argv, raw, isCd: argv[0] === "cd" && argv.length <= 2 });
        }
      }
    } else if (type === "FuncDecl" && callsItself(node as FuncDecl)) {
      forkBomb = true;
    }
    return true;
  });
  return { parsed: true, parts, writes, forkBomb };
}

/** The parts a rule must cover: `cd dir && cmd` is judged on `cmd` (a lone `cd` still counts). */
export function judgedParts(parsed: ParsedCommand): CommandPart[] {
  const others = parsed.parts.filter((part) => !part.isCd);
  return others.length > 0 ? others : parsed.parts;
}
