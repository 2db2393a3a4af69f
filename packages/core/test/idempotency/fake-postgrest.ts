import type { SqlExecutor } from "@lunas/core";
import { quoteIdentifier } from "@lunas/core";

/**
 * Just enough of PostgREST, over a real database, for SupabaseIdempotencyStore
 * to run end to end: `POST /rest/v1/rpc/<fn>` (arguments bound by name through
 * json_to_record, as PostgREST does), `GET /rest/v1/<table>?select=...&col=eq.v`
 * and `DELETE /rest/v1/<table>?col=lt.v` with `Prefer: count=exact`. Each request
 * runs in its own transaction as `role`, with the schema's search_path, like
 * PostgREST with a service-role key. Pass it as supabase-js's `global.fetch`.
 */
export function fakePostgrest(executor: SqlExecutor, schema: string, role: string): typeof fetch {
  const qualified = (name: string) => `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
  const OPERATORS: Record<string, string> = { eq: "=", lt: "<" };

  function filters(params: URLSearchParams, values: unknown[]): string {
    const conditions: string[] = [];
    for (const [column, filter] of params) {
      if (column === "select") continue;
      const [op, ...rest] = filter.split(".");
      const sqlOp = OPERATORS[op ?? ""];
      if (!sqlOp) throw new Error(`fake PostgREST: unsupported filter ${filter}`);
      values.push(rest.join("."));
      conditions.push(`${quoteIdentifier(column)} ${sqlOp} $${values.length}`);
    }
    return conditions.length > 0 ? `where ${conditions.join(" and ")}` : "";
  }

  /** `a,b,alias:column::cast` -> SQL select list. */
  function selectList(select: string): string {
    if (select === "*") return "*";
    return select
      .split(",")
      .map((item) => {
        const match = /^(?:([a-z_]+):(?!:))?([a-z_]+)(?:::([a-z_]+))?$/.exec(item);
        if (!match?.[2]) throw new Error(`fake PostgREST: unsupported select item ${item}`);
        const [, alias, column, cast] = match;
        const sql = `${quoteIdentifier(column)}${cast ? `::${quoteIdentifier(cast)}` : ""}`;
        return alias ? `${sql} as ${quoteIdentifier(alias)}` : sql;
      })
      .join(", ");
  }

  async function asRole<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return executor.transaction(async (tx) => {
      await tx.exec(`set local role ${quoteIdentifier(role)}`);
      await tx.exec(`set local search_path to ${quoteIdentifier(schema)}`);
      return work(tx);
    });
  }

  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/rest\/v1\//, "");
    const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", ...headers },
      });
    try {
      if (request.method === "POST" && path.startsWith("rpc/")) {
        const fn = path.slice(4);
        const args = await request.text();
        const body = await asRole(async (tx) => {
          const { rows } = await tx.query<{ args: string; names: string[] }>(
            `select pg_get_function_identity_arguments(p.oid) as args, p.proargnames as names
             from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = $1 and p.proname = $2`,
            [schema, fn],
          );
          const signature = rows[0];
          if (!signature) throw Object.assign(new Error(`no function ${fn}`), { code: "PGRST202" });
          const named = signature.names.map((name) => `${name} := a.${name}`).join(", ");
          const result = await tx.query<{ body: unknown }>(
            `select to_jsonb(${qualified(fn)}(${named})) as body
             from json_to_record($1::json) as a(${signature.args})`,
            [args],
          );
          return result.rows[0]?.body ?? null;
        });
        return json(body);
      }
      const table = qualified(path);
      const values: unknown[] = [];
      if (request.method === "GET") {
        const list = selectList(url.searchParams.get("select") ?? "*");
        const where = filters(url.searchParams, values);
        const body = await asRole(async (tx) => {
          const { rows } = await tx.query<{ body: unknown }>(
            `select coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb) as body
             from (select ${list} from ${table} ${where}) t`,
            values,
          );
          return rows[0]?.body;
        });
        return json(body);
      }
      if (request.method === "DELETE") {
        const where = filters(url.searchParams, values);
        const { rowCount } = await asRole((tx) =>
          tx.query(`delete from ${table} ${where}`, values),
        );
        const exact = /count=exact/.test(request.headers.get("prefer") ?? "");
        return new Response(null, {
          status: 204,
          headers: exact ? { "content-range": `*/${rowCount}` } : {},
        });
      }
      return json({ message: `fake PostgREST: ${request.method} ${path} not supported` }, 405);
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      return json({ code, message }, 400);
    }
  };
}
