// Structural types for supabase-js, written here so that the `./supabase`
// declaration files import nothing from `@supabase/supabase-js` (an optional
// peer): an app without it installed still typechecks with `skipLibCheck:
// false`. Each lists only what the Supabase adapters call; a real
// `SupabaseClient`, created with or without a `Database` type, is assignable
// (test/types/supabase-client-like.test.ts).
//
// Every comparison goes through `filter(column, operator, value)`: supabase-js
// types `eq`, `neq` and `in` by resolving each column's value type, and for a
// client created without a `Database` type, checking those signatures against
// plain ones exceeds TypeScript's instantiation depth (TS2589).

/** A PostgREST error, as far as the adapters read it (`PostgrestError`). */
export interface PostgrestErrorLike {
  code?: string;
  message?: string;
}

/** What awaiting a request resolves to (`PostgrestResponse`). */
export interface PostgrestResponseLike {
  data: unknown;
  error: PostgrestErrorLike | null;
  /** Set when the request asked for `count: "exact"`. */
  count?: number | null;
}

/** A request being built (`PostgrestFilterBuilder`); awaiting it sends it. */
export interface PostgrestFilterLike extends PromiseLike<PostgrestResponseLike> {
  /** `operator` is PostgREST's: `eq`, `neq`, `lt`, `is`, `in`, each negatable as `not.<op>`. */
  filter(column: string, operator: string, value: unknown): PostgrestFilterLike;
  select(columns?: string): PostgrestFilterLike;
  order(column: string): PostgrestFilterLike;
  limit(count: number): PostgrestFilterLike;
  range(from: number, to: number): PostgrestFilterLike;
  abortSignal(signal: AbortSignal): PostgrestFilterLike;
  maybeSingle(): PromiseLike<PostgrestResponseLike>;
}

/** One table's requests (`PostgrestQueryBuilder`). */
export interface PostgrestQueryLike {
  select(columns?: string, options?: { count?: "exact"; head?: boolean }): PostgrestFilterLike;
  upsert(
    values: Record<string, unknown>,
    options?: { onConflict?: string; ignoreDuplicates?: boolean },
  ): PostgrestFilterLike;
  update(values: Record<string, unknown>): PostgrestFilterLike;
  delete(options?: { count?: "exact" }): PostgrestFilterLike;
}

/** Tables and functions of one schema (`PostgrestClient`). */
export interface PostgrestSchemaLike {
  from(relation: string): PostgrestQueryLike;
  rpc(fn: string, args?: Record<string, unknown>): PostgrestFilterLike;
}

/** A supabase-js client (`createClient(url, key)`), as the Supabase adapters use it. */
export interface SupabaseClientLike extends PostgrestSchemaLike {
  schema(schema: string): PostgrestSchemaLike;
}
