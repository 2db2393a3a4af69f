import { InvalidArgumentError } from "../errors/lunas-error.js";
import type { SqlExecutor } from "../sql/executor.js";
import { quoteIdentifier } from "../sql/identifier.js";

export interface PostgrestStandInOptions {
  /** Where the requests run: a `TestDatabase`'s executor on the real server (or PGlite). */
  executor: SqlExecutor;
  /** The schema PostgREST would expose; tables and functions are looked up there. */
  schema: string;
  /** The role every request runs as (`set local role`), as PostgREST does for an API key's JWT. */
  role: string;
}

/** Query parameters that are not column filters. */
const RESERVED = new Set(["select", "order", "limit", "offset", "on_conflict", "columns"]);
const COMPARISONS: Record<string, string> = {
  eq: "=",
  neq: "<>",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
};

/**
 * Just enough of PostgREST, over a real database, for a Supabase adapter to run
 * its conformance suite end to end through supabase-js; pass the result as
 * `createClient(url, key, { global: { fetch } })`.
 *
 * Why it exists: there is no PostgREST server on a test machine, and recorded
 * requests (nock) prove only what an adapter sends, not that the rows, RLS and
 * functions on the other side do what it expects. This runs each request in its
 * own transaction as `role`, with `schema` as search_path, like PostgREST with
 * a service-role key, and answers in PostgREST's shapes:
 *
 * - `POST /rest/v1/rpc/<fn>`: arguments bound by name through `json_to_record`;
 *   a set-returning function answers an array.
 * - `GET` / `HEAD` with `eq`, `neq`, `lt`, `lte`, `gt`, `gte`, `is.null`, `in.(…)`,
 *   each negatable with `not.`; `select` with `alias:column::cast`; `order`,
 *   `limit`, `offset`; `HEAD` answers the count in `content-range`.
 * - `POST` inserts (one row or an array) with `on_conflict` and
 *   `Prefer: resolution=merge-duplicates` or `resolution=ignore-duplicates`.
 * - `PATCH` and `DELETE` with the same filters; `Prefer: return=representation`
 *   returns the changed rows, `count=exact` on `DELETE` the count.
 * - A unique violation answers 409 with code `23505`, any other database error
 *   400 with its code, as PostgREST does.
 *
 * It is a test double, not a PostgREST: embedded resources, JSON path operators
 * and the other filters answer 400 naming what is unsupported.
 */
export function createPostgrestStandIn(options: PostgrestStandInOptions): typeof fetch {
  const { executor, schema, role } = options ?? ({} as Partial<PostgrestStandInOptions>);
  if (typeof executor?.transaction !== "function" || !schema || !role) {
    throw new InvalidArgumentError(
      "createPostgrestStandIn needs { executor, schema, role }: an SqlExecutor and two non-empty names",
    );
  }
  const qualified = (name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;

  /** `qualifier` names the table when an UPDATE's FROM row has the same column names. */
  function where(params: URLSearchParams, values: unknown[], qualifier = ""): string {
    const conditions: string[] = [];
    for (const [column, filter] of params) {
      if (RESERVED.has(column)) continue;
      const col = `${qualifier}${quoteIdentifier(column)}`;
      const negated = filter.startsWith("not.");
      const [op = "", ...rest] = (negated ? filter.slice(4) : filter).split(".");
      const value = rest.join(".");
      let condition: string;
      const comparison = COMPARISONS[op];
      if (comparison) {
        values.push(value);
        condition = `${col} ${comparison} $${values.length}`;
      } else if (op === "is" && value === "null") {
        condition = `${col} is null`;
      } else if (op === "in") {
        values.push(inList(value));
        condition = `${col}::text = any($${values.length}::text[])`;
      } else {
        throw new Error(`PostgREST stand-in: unsupported filter ${column}=${filter}`);
      }
      conditions.push(negated ? `not (${condition})` : condition);
    }
    return conditions.length > 0 ? `where ${conditions.join(" and ")}` : "";
  }

  /** `a,b,alias:column::cast` -> SQL select list. */
  function selectList(params: URLSearchParams): string {
    const select = params.get("select") ?? "*";
    if (select === "*") return "*";
    return select
      .split(",")
      .map((item) => {
        const match = /^(?:([a-z_]+):(?!:))?([a-z_]+)(?:::([a-z_]+))?$/.exec(item);
        if (!match?.[2]) throw new Error(`PostgREST stand-in: unsupported select item ${item}`);
        const [, alias, column, cast] = match;
        const sql = `${quoteIdentifier(column)}${cast ? `::${quoteIdentifier(cast)}` : ""}`;
        return alias ? `${sql} as ${quoteIdentifier(alias)}` : sql;
      })
      .join(", ");
  }

  function orderAndPage(params: URLSearchParams): string {
    const parts: string[] = [];
    const order = params.get("order");
    if (order) {
      const terms = order.split(",").map((term) => {
        const [column, direction = "asc"] = term.split(".");
        if (!column || !["asc", "desc"].includes(direction)) {
          throw new Error(`PostgREST stand-in: unsupported order ${term}`);
        }
        return `${quoteIdentifier(column)} ${direction}`;
      });
      parts.push(`order by ${terms.join(", ")}`);
    }
    for (const key of ["limit", "offset"] as const) {
      const value = params.get(key);
      if (value !== null) parts.push(`${key} ${Number.parseInt(value, 10)}`);
    }
    return parts.join(" ");
  }

  async function asRole<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return executor.transaction(async (tx) => {
      await tx.exec(`set local role ${quoteIdentifier(role)}`);
      await tx.exec(`set local search_path to ${quoteIdentifier(schema)}`);
      return work(tx);
    });
  }

  /** Rows of `sql` (which selects `row` as jsonb), as a JSON array. */
  async function rows(tx: SqlExecutor, sql: string, values: unknown[]): Promise<unknown[]> {
    const result = await tx.query<{ row: unknown }>(sql, values);
    return result.rows.map((r) => r.row);
  }

  async function rpc(fn: string, args: string): Promise<unknown> {
    return asRole(async (tx) => {
      const { rows: found } = await tx.query<{ args: string; names: string[]; set: boolean }>(
        `select pg_get_function_identity_arguments(p.oid) as args, p.proargnames as names,
                p.proretset as set
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = $1 and p.proname = $2`,
        [schema, fn],
      );
      const signature = found[0];
      if (!signature) throw Object.assign(new Error(`no function ${fn}`), { code: "PGRST202" });
      const named = (signature.names ?? []).map((name) => `${name} := a.${name}`).join(", ");
      const call = `${qualified(fn)}(${named})`;
      const from = signature.args ? `from json_to_record($1::json) as a(${signature.args})` : "";
      const sql = signature.set
        ? `select coalesce(jsonb_agg(to_jsonb(s.v)), '[]'::jsonb) as body from (select ${call} as v ${from}) s`
        : `select to_jsonb(${call}) as body ${from}`;
      const result = await tx.query<{ body: unknown }>(sql, signature.args ? [args || "{}"] : []);
      return result.rows[0]?.body ?? null;
    });
  }

  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/rest\/v1\//, "");
    const params = url.searchParams;
    const prefer = request.headers.get("prefer") ?? "";
    const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", ...headers },
      });
    try {
      if (request.method === "POST" && path.startsWith("rpc/")) {
        return json(await rpc(path.slice(4), await request.text()));
      }
      const table = qualified(path);
      const values: unknown[] = [];
      const representation = prefer.includes("return=representation");
      const answer = (changed: unknown[], status: number, empty: number) =>
        representation ? json(changed, status) : new Response(null, { status: empty });

      if (request.method === "HEAD") {
        const filter = where(params, values);
        const { rows: counted } = await asRole((tx) =>
          tx.query<{ n: string }>(`select count(*) as n from ${table} ${filter}`, values),
        );
        return new Response(null, {
          status: 200,
          headers: { "content-range": `*/${counted[0]?.n ?? 0}` },
        });
      }
      if (request.method === "GET") {
        const sql = `select to_jsonb(t) as row from (select ${selectList(params)} from ${table}
                     ${where(params, values)} ${orderAndPage(params)}) t`;
        return json(await asRole((tx) => rows(tx, sql, values)));
      }
      if (request.method === "PATCH") {
        const body = (await request.json()) as Record<string, unknown>;
        values.push(JSON.stringify(body));
        const sets = Object.keys(body)
          .map((column) => `${quoteIdentifier(column)} = r.${quoteIdentifier(column)}`)
          .join(", ");
        const sql = `with changed as (
                       update ${table} as t set ${sets}
                       from json_populate_record(null::${table}, $1::json) r
                       ${where(params, values, "t.")}
                       returning t.*)
                     select to_jsonb(t) as row from (select ${selectList(params)} from changed) t`;
        return answer(await asRole((tx) => rows(tx, sql, values)), 200, 204);
      }
      if (request.method === "POST") {
        const body = (await request.json()) as Record<string, unknown> | Record<string, unknown>[];
        const inserted = Array.isArray(body) ? body : [body];
        const columns = Object.keys(inserted[0] ?? {}).map(quoteIdentifier);
        if (columns.length === 0) throw new Error("PostgREST stand-in: empty insert");
        const onConflict = params.get("on_conflict");
        const target = onConflict ? `(${quoteIdentifier(onConflict)})` : "";
        let conflict = "";
        if (prefer.includes("resolution=merge-duplicates")) {
          if (!onConflict)
            throw new Error("PostgREST stand-in: merge-duplicates needs on_conflict");
          const sets = columns.map((column) => `${column} = excluded.${column}`).join(", ");
          conflict = `on conflict ${target} do update set ${sets}`;
        } else if (prefer.includes("resolution=ignore-duplicates")) {
          conflict = `on conflict ${target} do nothing`;
        }
        values.push(JSON.stringify(inserted));
        const sql = `with changed as (
                       insert into ${table} (${columns.join(", ")})
                       select ${columns.join(", ")} from json_populate_recordset(null::${table}, $1::json)
                       ${conflict} returning *)
                     select to_jsonb(t) as row from (select ${selectList(params)} from changed) t`;
        return answer(await asRole((tx) => rows(tx, sql, values)), 201, 201);
      }
      if (request.method === "DELETE") {
        const sql = `with changed as (delete from ${table} ${where(params, values)} returning *)
                     select to_jsonb(t) as row from (select ${selectList(params)} from changed) t`;
        const deleted = await asRole((tx) => rows(tx, sql, values));
        if (representation) return json(deleted, 200);
        const exact = prefer.includes("count=exact");
        return new Response(null, {
          status: 204,
          headers: exact ? { "content-range": `*/${deleted.length}` } : {},
        });
      }
      return json({ message: `PostgREST stand-in: ${request.method} ${path} not supported` }, 405);
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      return json({ code, message, details: null, hint: null }, code === "23505" ? 409 : 400);
    }
  };
}

/** `(a,"b,c")` -> `["a", "b,c"]`, as postgrest-js quotes values with reserved characters. */
function inList(raw: string): string[] {
  const body = raw.replace(/^\(/, "").replace(/\)$/, "");
  const values: string[] = [];
  for (const match of body.matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g)) {
    // A quoted value may hold `,` and `)`; `\"` and `\\` inside it stand for `"` and `\`.
    values.push(match[1]?.replace(/\\(.)/g, "$1") ?? (match[2] as string));
  }
  return values;
}
