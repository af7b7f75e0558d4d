import assert from "node:assert/strict";
import { GENERAL, KODELET } from "../../lib/telemetry/attributes.ts";
import { htmlToMarkdown, MAX_FETCH_BYTES, webFetchTool } from "../../lib/tools/web_fetch.ts";
import { errorOf, outputOf, testContext } from "./_context.ts";

const PAGE = `<!doctype html><html><head><title>Docs page</title><style>body{color:red}</style>
<script>window.secret = "do not show";</script></head>
<body><h1>Install</h1><p>Run <code>deno task dev</code> then read <a href="/more">more</a>.</p>
<ul><li>one</li><li>two</li></ul><pre><code>let x = 1;</code></pre></body></html>`;

/** A local server with the routes the tests need; the slow route waits until the test ends. */
async function withServer(body: (base: string) => Promise<void>): Promise<void> {
  const waiting = new Set<() => void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    switch (path) {
      case "/page.html":
        return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
      case "/data.json":
        return Response.json({ ok: true, items: [1, 2] });
      case "/image.png":
        return new Response(new Uint8Array([137, 80, 78, 71, 0, 0]), {
          headers: { "content-type": "image/png" },
        });
      case "/blob":
        return new Response(new Uint8Array([1, 2, 0, 3]), {
          headers: { "content-type": "application/octet-stream" },
        });
      case "/untyped-html":
        return new Response(new TextEncoder().encode("<html><body><h2>Sniffed</h2></body></html>"));
      case "/big":
        return new Response("z".repeat(MAX_FETCH_BYTES + 1000), {
          headers: { "content-type": "text/plain" },
        });
      case "/slow":
        await new Promise<void>((resolve) => waiting.add(resolve));
        return new Response("late");
      default:
        return new Response("<html><body><p>No such page</p></body></html>", {
          status: 404,
          headers: { "content-type": "text/html" },
        });
    }
  });
  try {
    await body(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    for (const resolve of waiting) resolve();
    await server.shutdown();
  }
}

Deno.test("web_fetch turns HTML into markdown without scripts and styles", async () => {
  await withServer(async (base) => {
    const { ctx, recorded } = testContext("/");
    const output = outputOf(await webFetchTool.execute({ url: `${base}/page.html` }, ctx));
    assert.match(
      output,
      /^http:\/\/127\.0\.0\.1:\d+\/page\.html \(text\/html; charset=utf-8\)\n\nTitle: Docs page\n\n# Install/,
    );
    assert.match(output, /Run `deno task dev` then read \[more\]\(\/more\)\./);
    assert.match(output, /-\s+one\n-\s+two/);
    assert.match(output, /```\nlet x = 1;\n```/);
    assert.doesNotMatch(output, /do not show|color:red/);
    assert.equal(recorded[GENERAL.HTTP_STATUS_CODE], 200);
    assert.equal(recorded[KODELET.OUTPUT_BYTES], new TextEncoder().encode(PAGE).length);
  });
});

Deno.test("web_fetch returns other text as it is and records url.full without query string or credentials", async () => {
  await withServer(async (base) => {
    const { ctx, recorded } = testContext("/");
    const url = base.replace("http://", "http://user:hunter2@") + "/data.json?token=s3cret#part";
    const output = outputOf(await webFetchTool.execute({ url }, ctx));
    assert.match(output, /\{"ok":true,"items":\[1,2\]\}$/);
    assert.equal(recorded[GENERAL.URL_FULL], `${base}/data.json`);
    assert.doesNotMatch(output, /s3cret|hunter2/);
  });
});

Deno.test("web_fetch refuses binary content, by type or by sniffing, and sniffs untyped HTML", async () => {
  await withServer(async (base) => {
    const { ctx } = testContext("/");
    for (const path of ["/image.png", "/blob"]) {
      const error = errorOf(await webFetchTool.execute({ url: base + path }, ctx));
      assert.equal(error.kind, "binary_content", path);
    }
    assert.match(outputOf(await webFetchTool.execute({ url: `${base}/untyped-html` }, ctx)), /## Sniffed/);
  });
});

Deno.test("web_fetch reads at most the size limit and says the response was cut", async () => {
  await withServer(async (base) => {
    const { ctx, recorded } = testContext("/");
    const output = outputOf(await webFetchTool.execute({ url: `${base}/big` }, ctx));
    assert.match(output, /\[truncated: the response is larger than 2 MiB; only the start was read\]$/);
    assert.equal(recorded[KODELET.OUTPUT_BYTES], MAX_FETCH_BYTES);
  });
});

Deno.test("web_fetch gives up after its time limit, and stops when the signal aborts", async () => {
  await withServer(async (base) => {
    const { ctx } = testContext("/");
    const started = performance.now();
    const error = errorOf(await webFetchTool.execute({ url: `${base}/slow`, timeout_seconds: 1 }, ctx));
    assert.equal(error.kind, "timeout");
    assert.ok(performance.now() - started < 3000);
    const controller = new AbortController();
    const aborting = testContext("/", { signal: controller.signal });
    const timer = setTimeout(() => controller.abort(), 100);
    const cancelled = errorOf(await webFetchTool.execute({ url: `${base}/slow` }, aborting.ctx));
    clearTimeout(timer);
    assert.equal(cancelled.kind, "cancelled");
  });
});

Deno.test("web_fetch reports an HTTP error status and a failed connection as tool errors", async () => {
  let closedBase = "";
  await withServer(async (base) => {
    closedBase = base;
    const { ctx, recorded } = testContext("/");
    const error = errorOf(await webFetchTool.execute({ url: `${base}/missing?key=abc` }, ctx));
    assert.equal(error.kind, "http_error");
    assert.match(error.message, /^HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/missing:\nNo such page/);
    assert.equal(recorded[GENERAL.HTTP_STATUS_CODE], 404);
  });
  const { ctx } = testContext("/");
  const error = errorOf(await webFetchTool.execute({ url: `${closedBase}/gone?token=s3cret` }, ctx));
  assert.equal(error.kind, "fetch_failed");
  assert.doesNotMatch(error.message, /s3cret/);
});

Deno.test("web_fetch's HTML conversion works without a browser DOM", async () => {
  assert.equal(await htmlToMarkdown("<p>Hello <em>there</em></p>"), "Hello _there_");
});
