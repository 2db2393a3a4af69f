/** Timestamps go to SQL as ISO strings so pg, PGlite and PostgREST see the same exact millisecond. */
export function toSqlTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** pg and PGlite return `Date`, PostgREST an ISO string; both become ms since the epoch. */
export function fromSqlTimestamp(value: unknown, what: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string") {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new TypeError(`${what} returned an unreadable timestamp`);
}
