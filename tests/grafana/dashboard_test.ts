/**
 * The Grafana dashboard queries only metrics kodelet emits: every Prometheus metric name in its
 * queries is one of lib/telemetry/metrics.ts's metrics, converted as Grafana Cloud's OTLP gateway
 * converts them (the rules the README documents), and every label it groups by is an attribute those
 * metrics carry. Also: every metric kodelet emits has a panel.
 */
import assert from "node:assert/strict";
import { METRICS } from "../../lib/telemetry/metrics.ts";

const dashboard = JSON.parse(
  await Deno.readTextFile(new URL("../../scripts/grafana/kodelet-dashboard.json", import.meta.url)),
) as { panels: { title: string; targets?: { expr: string }[] }[] };

/** OTLP to Prometheus: dots to underscores, the unit as a suffix, _total for counters. */
export function prometheusNames(spec: { name: string; unit: string; kind: string }): string[] {
  const base = spec.name.replace(/[.-]/g, "_");
  const unit = spec.unit.startsWith("{") ? "" : spec.unit === "s" ? "seconds" : spec.unit;
  const name = unit === "" ? base : `${base}_${unit}`;
  return spec.kind === "counter" ? [`${name}_total`] : [`${name}_bucket`, `${name}_sum`, `${name}_count`];
}

/** Attribute names kodelet puts on its metrics, as Prometheus labels (plus the histogram's `le`). */
const LABELS = new Set([
  "le",
  "gen_ai_operation_name",
  "gen_ai_provider_name",
  "gen_ai_request_model",
  "gen_ai_token_type",
  "error_type",
  "model",
  "provider",
  "type",
  "gen_ai_tool_name",
  "outcome",
  "command",
]);

const emitted = new Set(Object.values(METRICS).flatMap(prometheusNames));
const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

Deno.test("the Prometheus names follow the documented conversion", () => {
  assert.deepEqual(prometheusNames(METRICS.COST), ["kodelet_cost_usage_USD_total"]);
  assert.deepEqual(prometheusNames(METRICS.TOKENS), ["kodelet_token_usage_total"]);
  assert.deepEqual(prometheusNames(METRICS.OPERATION_DURATION), [
    "gen_ai_client_operation_duration_seconds_bucket",
    "gen_ai_client_operation_duration_seconds_sum",
    "gen_ai_client_operation_duration_seconds_count",
  ]);
  assert.equal(prometheusNames(METRICS.TOKEN_USAGE)[0], "gen_ai_client_token_usage_bucket");
});

Deno.test("every metric the dashboard queries is one kodelet emits", () => {
  assert.ok(expressions.length >= 10, "the dashboard has its queries");
  for (const expr of expressions) {
    const names = expr.match(/\b(?:gen_ai|kodelet)_[A-Za-z0-9_]+/g) ?? [];
    assert.ok(names.length > 0, `no kodelet metric in ${expr}`);
    for (const name of names) {
      // Label names inside by (...) and {...} share the prefixes; they are checked below.
      if (LABELS.has(name)) continue;
      assert.ok(emitted.has(name), `the dashboard queries ${name}, which kodelet does not emit (${expr})`);
    }
  }
});

Deno.test("every label the dashboard groups or filters by is an attribute kodelet's metrics carry", () => {
  for (const expr of expressions) {
    const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((match) => (match[1] ?? "").split(","));
    const filtered = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((match) =>
      (match[1] ?? "").split(",").map((part) => part.split(/[!=~]/)[0] ?? "")
    );
    for (const label of [...grouped, ...filtered].map((item) => item.trim()).filter((item) => item !== "")) {
      assert.ok(
        LABELS.has(label),
        `the dashboard uses label ${label}, which kodelet's metrics do not carry (${expr})`,
      );
    }
  }
});

Deno.test("every metric kodelet emits has a panel", () => {
  const all = expressions.join("\n");
  for (const spec of Object.values(METRICS)) {
    assert.ok(
      prometheusNames(spec).some((name) => all.includes(name)),
      `${spec.name} has no panel in the dashboard`,
    );
  }
});
