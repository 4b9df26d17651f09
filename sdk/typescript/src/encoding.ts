// Percent-encoding of path segments and query values, as the node decodes them.

/**
 * One path segment or query value with every byte but RFC 3986's
 * unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX` of its UTF-8: a `/`
 * stays inside a store key, and `+` stays a plus in a query.
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `?name=value&…` of the values given, or nothing when none is. A list is
 * its items encoded and joined by literal commas: the node decodes
 * `categories`, then splits it on `,` (no category name has one).
 */
export function queryString(values: Record<string, string | number | string[] | undefined>): string {
  const pairs = Object.entries(values).flatMap(([name, value]) => {
    if (value === undefined) {
      return [];
    }
    const encoded = Array.isArray(value) ? value.map(percentEncode).join(",") : percentEncode(String(value));
    return [`${name}=${encoded}`];
  });
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}
