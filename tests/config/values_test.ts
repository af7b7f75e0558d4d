/** The configuration value parsers, one behaviour at a time. */
import assert from "node:assert/strict";
import {
  boolean,
  duration,
  httpUrl,
  integerBetween,
  keyValueList,
  listOf,
  numberBetween,
  oneOf,
  ValueError,
} from "../../lib/config/values.ts";

Deno.test("keyValueList percent-decodes values: %20 becomes a space and + stays +", () => {
  assert.deepEqual(keyValueList("Authorization=Basic%20MTIzOnMzY3IzdD4+Pw=="), {
    Authorization: "Basic MTIzOnMzY3IzdD4+Pw==",
  });
});

Deno.test("keyValueList splits pairs on commas and trims blanks around keys and values", () => {
  assert.deepEqual(keyValueList(" a=1 , X-Scope-OrgID = tenant%2C1 "), {
    a: "1",
    "X-Scope-OrgID": "tenant,1",
  });
});

Deno.test("keyValueList keeps = inside a value (base64 padding)", () => {
  assert.deepEqual(keyValueList("k=ab==,j=c=d"), { k: "ab==", j: "c=d" });
});

Deno.test("keyValueList of an empty string is an empty map", () => {
  assert.deepEqual(keyValueList(""), {});
});

Deno.test("keyValueList takes a YAML map as it is", () => {
  assert.deepEqual(keyValueList({ Authorization: "Basic a+b", n: 1 }), {
    Authorization: "Basic a+b",
    n: "1",
  });
});

Deno.test("keyValueList refuses a pair without =", () => {
  assert.throws(() => keyValueList("Authorization"), ValueError);
  assert.throws(() => keyValueList("a=1,b"), /comma-separated list of key=value pairs/);
});

Deno.test("keyValueList refuses an empty key and a key with separators in it", () => {
  assert.throws(() => keyValueList("=1"), ValueError);
  assert.throws(() => keyValueList("a b=1"), ValueError);
  assert.throws(() => keyValueList("Authorization: Basic=x"), ValueError);
});

Deno.test("keyValueList refuses broken percent-encoding and names the key", () => {
  assert.throws(
    () => keyValueList("Authorization=Basic%2"),
    /"Authorization" that is not valid percent-encoding/,
  );
});

Deno.test("keyValueList refuses a list where a single value is expected", () => {
  assert.throws(() => keyValueList(["a=1"]), ValueError);
});

Deno.test("numberBetween accepts the bounds of [0, 1] and what lies between", () => {
  const ratio = numberBetween(0, 1);
  assert.equal(ratio("0"), 0);
  assert.equal(ratio("1"), 1);
  assert.equal(ratio(" 0.25 "), 0.25);
  assert.equal(ratio(0.5), 0.5);
});

Deno.test("numberBetween refuses values outside the bounds, non-numbers and blanks", () => {
  const ratio = numberBetween(0, 1);
  for (const bad of ["1.5", "-0.1", "abc", "", " ", "NaN", "Infinity", "0.5x", 2]) {
    assert.throws(() => ratio(bad), /must be a number between 0 and 1/, `accepted ${JSON.stringify(bad)}`);
  }
});

Deno.test("integerBetween refuses fractions and out-of-range values", () => {
  const size = integerBetween(1, 10);
  assert.equal(size("10"), 10);
  assert.throws(() => size("1.5"), /whole number between 1 and 10/);
  assert.throws(() => size("0"), ValueError);
  assert.throws(() => size("11"), ValueError);
});

Deno.test("boolean reads the usual spellings and refuses others", () => {
  for (const yes of ["true", "TRUE", "1", "yes", "on", true]) assert.equal(boolean(yes), true);
  for (const no of ["false", "False", "0", "no", "off", false]) assert.equal(boolean(no), false);
  assert.throws(() => boolean("maybe"), /must be true or false/);
});

Deno.test("oneOf is case-insensitive and lists the choices when it refuses", () => {
  const sampler = oneOf(["always", "never", "ratio"] as const);
  assert.equal(sampler("RATIO"), "ratio");
  assert.throws(() => sampler("sometimes"), /must be one of always, never, ratio/);
});

Deno.test("listOf reads comma-separated names, drops duplicates and refuses unknown ones", () => {
  const exporters = listOf(["otlp", "console", "none"] as const);
  assert.deepEqual(exporters("otlp, console,otlp"), ["otlp", "console"]);
  assert.deepEqual(exporters(["console"]), ["console"]);
  assert.throws(() => exporters("otlp,jaeger"), /must be one of otlp, console, none/);
  assert.throws(() => exporters(" , "), /one or more/);
});

Deno.test("httpUrl accepts http and https URLs only", () => {
  assert.equal(
    httpUrl("https://otlp-gateway-prod-eu-west-2.grafana.net/otlp"),
    "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp",
  );
  assert.equal(httpUrl("http://127.0.0.1:4318"), "http://127.0.0.1:4318");
  for (const bad of ["not a url", "localhost:4318", "ftp://example.com", "/v1/traces", ""]) {
    assert.throws(() => httpUrl(bad), /absolute http:\/\/ or https:\/\/ URL/, `accepted ${bad}`);
  }
});

Deno.test("duration reads a bare number in the key's unit", () => {
  assert.equal(duration("ms")("1500"), 1500);
  assert.equal(duration("s")("2"), 2000);
  assert.equal(duration("s")("0.5"), 500);
});

Deno.test("duration reads ms, s and m suffixes whatever the key's unit", () => {
  assert.equal(duration("s")("250ms"), 250);
  assert.equal(duration("ms")("2s"), 2000);
  assert.equal(duration("ms")("1.5 s"), 1500);
  assert.equal(duration("ms")("1m"), 60_000);
});

Deno.test("duration refuses negative numbers, unknown units and values above the maximum", () => {
  assert.throws(() => duration("ms")("-5"), /duration such as 1500ms, 2s or a number of milliseconds/);
  assert.throws(() => duration("s")("1h"), /number of seconds/);
  assert.throws(() => duration("s")("soon"), ValueError);
  assert.throws(() => duration("s", 60_000)("61"), /at most 60 seconds/);
});

Deno.test("keyValueList refuses a value that decodes to a line break or another control character", () => {
  assert.throws(() => keyValueList("X-Scope-OrgID=a%0Ab"), /"X-Scope-OrgID" with a control character in it/);
  assert.throws(() => keyValueList("k=%00"), ValueError);
  assert.deepEqual(keyValueList("k=a%09b"), { k: "a\tb" });
});
