import { quoteIdentifier, type SqlExecutor } from "@lunas/core";

/** Query parameters that are not column filters. */
const RESERVED = new Set(["select", "order", "limit", "offset", "on_conflict", "columns"]);

/** `(a,"b,c")` -> `["a", "b,c"]`, as postgrest-js quotes values with reserved characters. */
function inList(raw: string): string[] {
  const body = raw.replace(/^\(/, "").replace(/\)$/, "");
  const values: string[] = [];
  for (const match of body.matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g)) {
    values.push(match[1] ?? (match[2] as string));
  }
  return values;
}

/**
 * Just enough of PostgREST, over a real database, for SupabaseLedgerStore to
 * run the ledger conformance suite end to end: RPC calls (arguments bound by
 * name, as PostgREST does), GET / HEAD with `eq`, `is`, `not.is`, `in`,
 * `order`, `limit`, `offset` and `Prefer: count=exact`, PATCH with the same
 * filters, and POST inserts with `on_conflict` and `resolution=ignore-duplicates`.
 * Each request is one transaction as `role` with the schema's search_path, like
 * PostgREST with a service-role key; a unique violation answers 409 with code
 * 23505, as PostgREST does. Pass it as supabase-js's `global.fetch`.
 */
export function fakePostgrest(executor: SqlExecutor, schema: string, role: string): typeof fetch {
  const qualified = (name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;

  /** `qualifier` names the table when an UPDATE's FROM row has the same column names. */
  function where(params: URLSearchParams, values: unknown[], qualifier = ""): string {
    const conditions: string[] = [];
    for (const [column, filter] of params) {
      if (RESERVED.has(column)) continue;
      const col = `${qualifier}${quoteIdentifier(column)}`;
      const negated = filter.startsWith("not.");
      const [op, ...rest] = (negated ? filter.slice(4) : filter).split(".");
      const value = rest.join(".");
      let condition: string;
      if (op === "eq") {
        values.push(value);
        condition = `${col} = $${values.length}`;
      } else if (op === "is" && value === "null") {
        condition = `${col} is null`;
      } else if (op === "in") {
        values.push(inList(value));
        condition = `${col}::text = any($${values.length}::text[])`;
      } else {
        throw new Error(`fake PostgREST: unsupported filter ${column}=${filter}`);
      }
      conditions.push(negated ? `not (${condition})` : condition);
    }
    return conditions.length > 0 ? `where ${conditions.join(" and ")}` : "";
  }

  function selectList(params: URLSearchParams): string {
    const select = params.get("select") ?? "*";
    if (select === "*") return "*";
    return select
      .split(",")
      .map((column) => {
        if (!/^[a-z_]+$/.test(column))
          throw new Error(`fake PostgREST: unsupported select ${column}`);
        return quoteIdentifier(column);
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
          throw new Error(`fake PostgREST: unsupported order ${term}`);
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
      const call = `${qualified(fn)}(${signature.names.map((name) => `${name} := a.${name}`).join(", ")})`;
      const from = `from json_to_record($1::json) as a(${signature.args})`;
      const sql = signature.set
        ? `select coalesce(jsonb_agg(to_jsonb(s.v)), '[]'::jsonb) as body from (select ${call} as v ${from}) s`
        : `select to_jsonb(${call}) as body ${from}`;
      const result = await tx.query<{ body: unknown }>(sql, [args]);
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
      const answer = (changed: unknown[], status: number) =>
        representation ? json(changed, status) : new Response(null, { status: 204 });

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
        return answer(await asRole((tx) => rows(tx, sql, values)), 200);
      }
      if (request.method === "POST") {
        const body = (await request.json()) as Record<string, unknown>;
        if (Array.isArray(body)) throw new Error("fake PostgREST: bulk inserts are not supported");
        const onConflict = params.get("on_conflict");
        if (prefer.includes("resolution=merge-duplicates")) {
          throw new Error("fake PostgREST: merge-duplicates is not supported");
        }
        const ignore = prefer.includes("resolution=ignore-duplicates");
        values.push(JSON.stringify(body));
        const columns = Object.keys(body).map(quoteIdentifier).join(", ");
        const conflict = ignore
          ? `on conflict ${onConflict ? `(${quoteIdentifier(onConflict)})` : ""} do nothing`
          : "";
        const sql = `with changed as (
                       insert into ${table} (${columns})
                       select ${columns} from json_populate_record(null::${table}, $1::json)
                       ${conflict} returning *)
                     select to_jsonb(t) as row from (select ${selectList(params)} from changed) t`;
        return answer(await asRole((tx) => rows(tx, sql, values)), 201);
      }
      return json({ message: `fake PostgREST: ${request.method} ${path} not supported` }, 405);
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      // PostgREST answers a unique violation 409 and other database errors 400.
      return json({ code, message, details: null, hint: null }, code === "23505" ? 409 : 400);
    }
  };
}
