// Percent-encoding of path segments and query values, as the node decodes them.

/**
 * One path segment or query value with every byte but RFC 3986's
 * unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX` of its UTF-8: a `/`
 * stays inside a store key, and `+` stays a plus in a query.
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `?name=value&…` of the values given, or nothing when none is. */
export function queryString(values: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${percentEncode(String(value))}`);
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}
