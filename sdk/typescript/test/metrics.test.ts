// The Prometheus text parser on what the node writes and on the format's corners.

import assert from "node:assert/strict";
import { test } from "node:test";
import { metricSamples, MetricsFormatError, parseMetrics } from "../src/metrics.js";

const NODE_TEXT = `# HELP aios_uptime_seconds Seconds since the kernel started.
# TYPE aios_uptime_seconds gauge
aios_uptime_seconds 10
# HELP aios_agents Agents by state.
# TYPE aios_agents gauge
aios_agents{state="blocked"} 2
aios_agents{state="running"} 1
# HELP aios_agent_memory_bytes Each live agent's linear memory.
# TYPE aios_agent_memory_bytes gauge
aios_agent_memory_bytes{agent="supervisor",id="1"} 262144
`;

test("families keep their help, type and labelled samples", () => {
  const families = parseMetrics(NODE_TEXT);
  assert.deepEqual(
    families.map((family) => [family.name, family.type, family.help, family.samples.length]),
    [
      ["aios_uptime_seconds", "gauge", "Seconds since the kernel started.", 1],
      ["aios_agents", "gauge", "Agents by state.", 2],
      ["aios_agent_memory_bytes", "gauge", "Each live agent's linear memory.", 1],
    ],
  );
  assert.deepEqual(families[2]?.samples[0], {
    name: "aios_agent_memory_bytes",
    labels: { agent: "supervisor", id: "1" },
    value: 262144,
  });
});

test("escaped label values and help text are unescaped", () => {
  const [family] = parseMetrics(
    '# HELP x_total A \\\\ and a\\nnewline.\n# TYPE x_total counter\nx_total{path="C:\\\\dir",say="\\"hi\\"",lines="a\\nb"} 3\n',
  );
  assert.equal(family?.help, "A \\ and a\nnewline.");
  assert.deepEqual(family?.samples[0]?.labels, { path: "C:\\dir", say: '"hi"', lines: "a\nb" });
});

test("a label value may hold commas, braces and spaces", () => {
  assert.deepEqual(metricSamples('m{a="x, y}",b="z"} 1\n')[0]?.labels, { a: "x, y}", b: "z" });
});

test("special values, exponents and timestamps", () => {
  const samples = metricSamples("a NaN\nb +Inf\nc -Inf\nd 1.5e3 1700000000000\ne{} -2\n");
  assert.ok(Number.isNaN(samples[0]?.value));
  assert.equal(samples[1]?.value, Number.POSITIVE_INFINITY);
  assert.equal(samples[2]?.value, Number.NEGATIVE_INFINITY);
  assert.deepEqual(samples[3], { name: "d", labels: {}, value: 1500, timestampMs: 1700000000000 });
  assert.deepEqual(samples[4], { name: "e", labels: {}, value: -2 });
});

test("a histogram's _bucket, _sum and _count stay in its family; an unannounced sample is untyped", () => {
  const families = parseMetrics(
    '# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\nloose 4\n',
  );
  assert.deepEqual(
    families.map((family) => [family.name, family.type, family.samples.map((sample) => sample.name)]),
    [
      ["h", "histogram", ["h_bucket", "h_bucket", "h_sum", "h_count"]],
      ["loose", "untyped", ["loose"]],
    ],
  );
});

test("plain comments and blank lines are skipped", () => {
  assert.deepEqual(metricSamples("# just a note\n\n  \nup 1\n").map((sample) => sample.name), ["up"]);
});

test("malformed lines are refused with their line number", () => {
  assert.throws(() => parseMetrics("ok 1\nbad{x=1} 2\n"), (error: unknown) => error instanceof MetricsFormatError && /line 2/.test(error.message));
  assert.throws(() => parseMetrics('m{a="open} 1\n'), MetricsFormatError);
  assert.throws(() => parseMetrics("m one\n"), MetricsFormatError);
  assert.throws(() => parseMetrics("m\n"), MetricsFormatError);
  assert.throws(() => parseMetrics("m 1 2 3\n"), MetricsFormatError);
  assert.throws(() => parseMetrics('m{a="x" b="y"} 1\n'), MetricsFormatError);
});
