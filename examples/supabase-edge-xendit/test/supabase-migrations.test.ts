import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { quoteIdentifier } from "@lunas/core";
import {
  createPgExecutor,
  createPgPool,
  PostgresIdempotencyStore,
  PostgresTokenStore,
} from "@lunas/core/postgres";
import { SupabaseIdempotencyStore, SupabaseTokenStore } from "@lunas/core/supabase";
import { createPostgrestStandIn } from "@lunas/core/testing";
import { createRapatinClient } from "@lunas/rapatin";
import { FakeRapatinServer } from "@lunas/rapatin/testing";
import { buildPaymentSessionCompleted, FakeXenditServer } from "@lunas/xendit/testing";
import { createClient } from "@supabase/supabase-js";
import { createXenditWebhookHandler } from "../supabase/functions/xendit-webhook/webhook-handler.ts";

// The function's own SQL on a real PostgreSQL (DATABASE_URL, default the local
// server), in a schema of its own; then two function instances sharing the
// token and idempotency tables through PostgresTokenStore/PostgresIdempotencyStore,
// the same tables SupabaseTokenStore/SupabaseIdempotencyStore reach through PostgREST.

const connectionString =
  Deno.env.get("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";
const account = { email: "ops@example.com", password: "s3cret-Pa55" };
const options = { sanitizeResources: false, sanitizeOps: false };

async function withSchema(
  run: (executor: ReturnType<typeof createPgExecutor>, schema: string) => Promise<void>,
) {
  const pool = createPgPool({ connectionString, max: 10 });
  const executor = createPgExecutor(pool);
  const schema = `edge_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await pool.query(`create schema ${quoteIdentifier(schema)}`);
  try {
    const dir = new URL("../supabase/migrations/", import.meta.url);
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith(".sql"))
      .sort()) {
      await executor.transaction(async (tx) => {
        await tx.exec(`set local search_path to ${quoteIdentifier(schema)}`);
        await tx.exec(readFileSync(new URL(name, dir), "utf8"));
      });
    }
    await run(executor, schema);
  } finally {
    await pool.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
    await pool.end();
  }
}

Deno.test("the migrations apply, with RLS on and no policies on every table", options, async () => {
  await withSchema(async (executor, schema) => {
    const { rows } = await executor.query<{ relname: string; relrowsecurity: boolean }>(
      `select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relkind = 'r' and c.relname <> 'lunas_migrations' order by c.relname`,
      [schema],
    );
    assert.deepEqual(
      rows.map((r) => r.relname),
      [
        "lunas_idempotency",
        "lunas_outbox",
        "lunas_tokens",
        "lunas_tokens_leases",
        "orders",
        "rapatin_auth_tokens",
        "rapatin_auth_tokens_leases",
      ],
    );
    assert.ok(rows.every((r) => r.relrowsecurity));
    const policies = await executor.query("select 1 from pg_policies where schemaname = $1", [
      schema,
    ]);
    assert.equal(policies.rowCount, 0);
  });
});

Deno.test(
  "two function instances sharing rapatin_auth_tokens log in once and book each order once",
  options,
  async () => {
    await withSchema(async (executor, schema) => {
      const rapatin = await FakeRapatinServer.start({ account });
      const xendit = await FakeXenditServer.start();
      const servers = [0, 1].map(() => {
        const handler = createXenditWebhookHandler({
          verificationTokens: [xendit.callbackToken],
          idempotencyStore: new PostgresIdempotencyStore(executor, { schema }),
          rapatin: createRapatinClient({
            ...account,
            baseUrl: rapatin.url,
            tokenStore: new PostgresTokenStore(executor, { schema, table: "rapatin_auth_tokens" }),
          }),
          log: () => {},
        });
        return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
      });
      const urls = servers.map((s) => `http://127.0.0.1:${s.addr.port}/`);
      try {
        const paid = (n: number) =>
          buildPaymentSessionCompleted({
            sessionId: `ps-${n}`,
            orderId: `INV-${n}`,
            data: {
              metadata: {
                order_id: `INV-${n}`,
                participants: 80,
                topic: "Konsultasi",
                start_date: "2026-04-02",
                start_time: "10:00",
              },
            },
          });
        // 50 different payments at a cold start, spread over both instances.
        const deliveries = await Promise.all(
          Array.from({ length: 50 }, (_, n) => xendit.deliverWebhook(urls[n % 2] ?? "", paid(n))),
        );
        assert.ok(deliveries.flat().every((d) => d.status === 200));
        assert.equal(rapatin.counts.logins, 1);
        assert.equal(rapatin.counts.creates, 50);

        // One payment delivered to both instances at once, several times: one meeting.
        const event = paid(99);
        await Promise.all(
          urls.map((url) => xendit.deliverWebhook(url, event, { times: 5, concurrent: true })),
        );
        await xendit.deliverWebhook(urls[0] ?? "", event);
        assert.equal(rapatin.schedules.filter((s) => s.topic.endsWith("[ref:INV-99]")).length, 1);

        const stored = await executor.query(
          `select 1 from ${quoteIdentifier(schema)}.rapatin_auth_tokens`,
        );
        assert.equal(stored.rowCount, 1);
      } finally {
        for (const s of servers) await s.shutdown();
        await xendit.close();
        await rapatin.close();
      }
    });
  },
);

Deno.test(
  "two function instances record bookings in Supabase (supabase-js) and book each order once",
  options,
  async () => {
    await withSchema(async (executor, schema) => {
      const rapatin = await FakeRapatinServer.start({ account, delayMs: { create: 30 } });
      const xendit = await FakeXenditServer.start();
      const outcomes: string[] = [];
      const servers = [0, 1].map(() => {
        // Each instance its own supabase-js client, as two Edge Function
        // isolates have, both reaching the one database through PostgREST.
        const supabase = createClient("https://edge.supabase.co", "service-role-key", {
          auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
          global: { fetch: createPostgrestStandIn({ executor, schema, role: "postgres" }) },
        });
        const handler = createXenditWebhookHandler({
          verificationTokens: [xendit.callbackToken],
          idempotencyStore: new SupabaseIdempotencyStore(supabase),
          rapatin: createRapatinClient({
            ...account,
            baseUrl: rapatin.url,
            tokenStore: new SupabaseTokenStore(supabase, { table: "rapatin_auth_tokens" }),
          }),
          onBooked: (meeting) => {
            outcomes.push(meeting.outcome);
          },
          log: () => {},
        });
        return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
      });
      const urls = servers.map((s) => `http://127.0.0.1:${s.addr.port}/`);
      try {
        // The same order paid through two payment sessions (a checkout the
        // customer retried), one delivered to each instance, at the same time:
        // different events, so only the booking claim can tell they are one order.
        const paid = (n: number, session: number) =>
          buildPaymentSessionCompleted({
            sessionId: `ps-${n}-${session}`,
            orderId: `INV-${n}`,
            data: {
              metadata: {
                order_id: `INV-${n}`,
                participants: 80,
                topic: "Konsultasi",
                start_date: "2026-04-02",
                start_time: "10:00",
              },
            },
          });
        const deliveries = await Promise.all(
          Array.from({ length: 10 }, (_, n) =>
            urls.map((url, session) => xendit.deliverWebhook(url, paid(n, session))),
          ).flat(),
        );
        assert.deepEqual(new Set(deliveries.flat().map((d) => d.status)), new Set([200]));
        assert.equal(rapatin.counts.creates, 10);
        for (let n = 0; n < 10; n += 1) {
          const topics = rapatin.schedules.filter((s) => s.topic.endsWith(`[ref:INV-${n}]`));
          assert.equal(topics.length, 1, `INV-${n}`);
        }
        assert.equal(outcomes.filter((outcome) => outcome === "created").length, 10);
        assert.equal(outcomes.filter((outcome) => outcome === "existing").length, 10);

        const bookings = await executor.query<{ key: string; status: string }>(
          `select key, status from ${quoteIdentifier(schema)}.lunas_idempotency
           where key like 'rapatin:booking:%' order by key`,
        );
        assert.deepEqual(
          bookings.rows,
          Array.from({ length: 10 }, (_, n) => ({
            key: `rapatin:booking:INV-${n}`,
            status: "completed",
          })),
        );
      } finally {
        for (const s of servers) await s.shutdown();
        await xendit.close();
        await rapatin.close();
      }
    });
  },
);
