// The Prometheus text format 0.0.4 that `GET /metrics` answers, parsed into samples.

/** One sample line: `name{label="value",…} value [timestamp]`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  /** The value; `NaN`, `Infinity` and `-Infinity` as the format writes them. */
  value: number;
  /** Milliseconds since the epoch, when the line gives one. */
  timestampMs?: number;
}

/** A metric family: its `# HELP`, its `# TYPE` and its samples. */
export interface MetricFamily {
  name: string;
  help: string;
  /** `counter`, `gauge`, `histogram`, `summary` or `untyped`. */
  type: string;
  samples: MetricSample[];
}

/** Why a metrics text does not parse, with the line that does not. */
export class MetricsFormatError extends Error {
  constructor(line: number, why: string) {
    super(`line ${line}: ${why}`);
    this.name = "MetricsFormatError";
  }
}

/**
 * Reads the text into families in the order they appear. A sample belongs
 * to the family its name is, or starts with followed by `_` (a histogram's
 * `_bucket`, `_sum`, `_count`); one no `# TYPE` or `# HELP` announced is a
 * family of its own, `untyped`.
 */
export function parseMetrics(text: string): MetricFamily[] {
  const families: MetricFamily[] = [];
  const byName = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  const family = (name: string): MetricFamily => {
    let found = byName.get(name);
    if (found === undefined) {
      found = { name, help: "", type: "untyped", samples: [] };
      byName.set(name, found);
      families.push(found);
    }
    return found;
  };
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    const number = index + 1;
    if (line === "") {
      return;
    }
    if (line.startsWith("#")) {
      const match = /^#\s*(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(line);
      if (match === null) {
        return; // An ordinary comment.
      }
      const [, keyword, name = "", rest = ""] = match;
      current = family(name);
      if (keyword === "HELP") {
        current.help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
      } else {
        current.type = rest.trim();
      }
      return;
    }
    const sample = parseSample(line, number);
    if (current === undefined || !(sample.name === current.name || sample.name.startsWith(`${current.name}_`))) {
      current = family(sample.name);
    }
    current.samples.push(sample);
  });
  return families;
}

/** Every sample of the text, whatever its family. */
export function metricSamples(text: string): MetricSample[] {
  return parseMetrics(text).flatMap((family) => family.samples);
}

function parseSample(line: string, number: number): MetricSample {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (name === undefined) {
    throw new MetricsFormatError(number, "no metric name");
  }
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === "{") {
    at++;
    for (;;) {
      at = skipSpaces(line, at);
      if (line[at] === "}") {
        at++;
        break;
      }
      const label = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(at))?.[0];
      if (label === undefined || line[at + label.length] !== "=" || line[at + label.length + 1] !== '"') {
        throw new MetricsFormatError(number, "a label is not name=\"value\"");
      }
      at += label.length + 2;
      let value = "";
      for (;;) {
        const c = line[at];
        if (c === undefined) {
          throw new MetricsFormatError(number, "a label value is not closed");
        }
        at++;
        if (c === '"') {
          break;
        }
        if (c === "\\") {
          const escaped = line[at];
          at++;
          value += escaped === "n" ? "\n" : escaped ?? "";
        } else {
          value += c;
        }
      }
      labels[label] = value;
      at = skipSpaces(line, at);
      if (line[at] === ",") {
        at++;
      } else if (line[at] !== "}") {
        throw new MetricsFormatError(number, "labels are not separated by commas");
      }
    }
  }
  const fields = line.slice(at).trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === "") {
    throw new MetricsFormatError(number, "a sample needs a value and at most a timestamp");
  }
  const sample: MetricSample = { name, labels, value: parseValue(fields[0] ?? "", number) };
  if (fields[1] !== undefined) {
    const timestampMs = Number(fields[1]);
    if (!Number.isInteger(timestampMs)) {
      throw new MetricsFormatError(number, "the timestamp is not an integer");
    }
    sample.timestampMs = timestampMs;
  }
  return sample;
}

function parseValue(text: string, number: number): number {
  switch (text) {
    case "NaN":
      return Number.NaN;
    case "+Inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
      return Number.NEGATIVE_INFINITY;
    default: {
      const value = Number(text);
      if (Number.isNaN(value)) {
        throw new MetricsFormatError(number, `${JSON.stringify(text)} is not a number`);
      }
      return value;
    }
  }
}

function skipSpaces(line: string, at: number): number {
  while (line[at] === " " || line[at] === "\t") {
    at++;
  }
  return at;
}
