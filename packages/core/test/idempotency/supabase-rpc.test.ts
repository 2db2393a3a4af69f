import type { SqlExecutor } from "@lunas/core";
import { migrateCore } from "@lunas/core/postgres";
import {
  createSupabaseLikeTestSchema,
  type SupabaseApiRole,
  type SupabaseLikeTestDatabase,
} from "@lunas/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Migration 0002 on real PostgreSQL set up like a Supabase project: the three
 * API roles exist, service_role bypasses RLS, and default privileges grant
 * everything in the schema to all three, as Supabase's do.
 */
const T0 = Date.UTC(2026, 4, 17, 8, 30, 15, 123);
const iso = (ms: number) => new Date(ms).toISOString();

interface PgError {
  code?: string;
}

describe("migration 0002 on a Supabase-like PostgreSQL", () => {
  let db: SupabaseLikeTestDatabase;
  let table: string;
  let fn: (name: string) => string;

  /** Runs `work` as `role` and commits. */
  function committedAs<T>(
    role: SupabaseApiRole,
    work: (tx: SqlExecutor) => Promise<T>,
  ): Promise<T> {
    return db.executor.transaction(async (tx) => {
      await tx.exec(`set local role ${role}`);
      return work(tx);
    });
  }

  const claim = (tx: SqlExecutor, key: string, holder: string, now = T0) =>
    tx
      .query<{ answer: Record<string, unknown> }>(
        `select ${fn("lunas_idempotency_claim")}('lunas_idempotency', $1, 'fp', $2, $3, $4, $5) as answer`,
        [key, holder, iso(now), iso(now + 30_000), iso(now + 86_400_000)],
      )
      .then(({ rows }) => rows[0]?.answer);

  beforeAll(async () => {
    db = await createSupabaseLikeTestSchema("idem_supa");
    const schema = `"${db.schema}"`;
    table = `${schema}.lunas_idempotency`;
    fn = (name) => `${schema}.${name}`;
    await migrateCore(db.executor, { schema: db.schema });
    await db.executor.query(
      `insert into ${table} (key, fingerprint, status, holder, lease_expires_at, expires_at, result)
       values ('existing', 'fp', 'completed', 'h', $1, $2, '{"secret": "customer data"}')`,
      [iso(T0), iso(T0 + 86_400_000)],
    );
  });
  afterAll(() => db.drop());

  it("enables RLS on the table with no policies", async () => {
    const { rows } = await db.executor.query<{ rls: boolean; policies: number }>(
      `select c.relrowsecurity as rls,
              (select count(*)::int from pg_policies p where p.schemaname = $1 and p.tablename = 'lunas_idempotency') as policies
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname = 'lunas_idempotency'`,
      [db.schema],
    );
    expect(rows).toEqual([{ rls: true, policies: 0 }]);
  });

  for (const role of ["anon", "authenticated"] as const) {
    it(`${role} can neither read, write nor call the functions`, async () => {
      const denied = (work: (tx: SqlExecutor) => Promise<unknown>) =>
        db.asRole(role, work).then(
          () => "allowed",
          (error: PgError) => error.code,
        );
      expect(await denied((tx) => tx.query(`select * from ${table}`))).toBe("42501");
      expect(
        await denied((tx) =>
          tx.query(
            `insert into ${table} (key, fingerprint, status, holder, lease_expires_at, expires_at)
             values ('x', 'f', 'in_progress', 'h', now(), now())`,
          ),
        ),
      ).toBe("42501");
      expect(await denied((tx) => tx.query(`delete from ${table}`))).toBe("42501");
      expect(await denied((tx) => claim(tx, "via-rpc", role))).toBe("42501");
      expect(
        await denied((tx) =>
          tx.query(
            `select ${fn("lunas_idempotency_release")}('lunas_idempotency', 'existing', 'h')`,
          ),
        ),
      ).toBe("42501");
      expect(
        await denied((tx) =>
          tx.query(
            `select ${fn("lunas_idempotency_complete")}('lunas_idempotency', 'existing', 'h', '1', true, now())`,
          ),
        ),
      ).toBe("42501");
      expect(await db.executor.query(`select key from ${table}`)).toMatchObject({ rowCount: 1 });
    });
  }

  it("RLS still hides and protects every row if a grant to anon comes back", async () => {
    const counts: Record<string, number> = {};
    // One transaction, rolled back by the refused insert (the grant goes with it).
    const refused = await db.executor
      .transaction(async (tx) => {
        await tx.exec(`grant select, insert, update, delete on ${table} to anon`);
        await tx.exec("set local role anon");
        counts.read = (await tx.query(`select * from ${table}`)).rowCount;
        counts.updated = (await tx.query(`update ${table} set holder = 'anon'`)).rowCount;
        counts.deleted = (await tx.query(`delete from ${table}`)).rowCount;
        await tx.query(
          `insert into ${table} (key, fingerprint, status, holder, lease_expires_at, expires_at)
           values ('x', 'f', 'in_progress', 'h', now(), now())`,
        );
      })
      .then(
        () => "allowed",
        (error: PgError) => error.code,
      );
    expect(counts).toEqual({ read: 0, updated: 0, deleted: 0 });
    expect(refused).toBe("42501");
    const { rows } = await db.executor.query<{ holder: string }>(
      `select holder from ${table} where key = 'existing'`,
    );
    expect(rows).toEqual([{ holder: "h" }]);
  });

  it("service_role claims, completes and releases through the functions", async () => {
    const acquired = await committedAs("service_role", (tx) => claim(tx, "svc:1", "holder-a"));
    expect(acquired).toEqual({
      outcome: "acquired",
      key: "svc:1",
      fingerprint: "fp",
      status: "in_progress",
      holder: "holder-a",
      lease_expires_at: T0 + 30_000,
      expires_at: T0 + 86_400_000,
      has_result: false,
      result: null,
    });
    const busy = await committedAs("service_role", (tx) => claim(tx, "svc:1", "holder-b"));
    expect(busy).toMatchObject({ outcome: "in_progress", holder: "holder-a" });

    const completed = await committedAs("service_role", (tx) =>
      tx.query<{ done: boolean }>(
        `select ${fn("lunas_idempotency_complete")}('lunas_idempotency', 'svc:1', 'holder-a', $1, true, $2) as done`,
        [JSON.stringify({ voucher: "LUNAS-42" }), iso(T0 + 86_400_000)],
      ),
    );
    expect(completed.rows).toEqual([{ done: true }]);
    const replay = await committedAs("service_role", (tx) => claim(tx, "svc:1", "holder-b"));
    expect(replay).toMatchObject({
      outcome: "completed",
      has_result: true,
      result: { voucher: "LUNAS-42" },
    });

    await committedAs("service_role", (tx) => claim(tx, "svc:2", "holder-a"));
    const notHolder = await committedAs("service_role", (tx) =>
      tx.query(
        `select ${fn("lunas_idempotency_release")}('lunas_idempotency', 'svc:2', 'holder-b') as released`,
      ),
    );
    expect(notHolder.rows).toEqual([{ released: false }]);
    const released = await committedAs("service_role", (tx) =>
      tx.query(
        `select ${fn("lunas_idempotency_release")}('lunas_idempotency', 'svc:2', 'holder-a') as released`,
      ),
    );
    expect(released.rows).toEqual([{ released: true }]);
    expect((await db.executor.query(`select 1 from ${table} where key = 'svc:2'`)).rowCount).toBe(
      0,
    );
  });

  it("stores 'no result' as SQL NULL and a null result as JSON null", async () => {
    for (const [key, hasResult] of [
      ["svc:none", false],
      ["svc:null", true],
    ] as const) {
      await committedAs("service_role", async (tx) => {
        await claim(tx, key, "h");
        await tx.query(
          `select ${fn("lunas_idempotency_complete")}('lunas_idempotency', $1, 'h', null, $2, $3)`,
          [key, hasResult, iso(T0 + 1_000)],
        );
      });
    }
    const { rows } = await db.executor.query<{ key: string; stored: string | null }>(
      `select key, result::text as stored from ${table} where key in ('svc:none', 'svc:null') order by key`,
    );
    expect(rows).toEqual([
      { key: "svc:none", stored: null },
      { key: "svc:null", stored: "null" },
    ]);
  });

  it("finds its table whatever search_path the caller has (PostgREST sets its own)", async () => {
    const answer = await db.executor.transaction(async (tx) => {
      await tx.exec("set local search_path to pg_catalog");
      await tx.exec("set local role service_role");
      return claim(tx, "svc:path", "h");
    });
    expect(answer).toMatchObject({ outcome: "acquired", key: "svc:path" });
  });

  it("answers a replay and a duplicate without locking the row", async () => {
    await committedAs("service_role", (tx) => claim(tx, "svc:busy", "holder-a"));
    // Another transaction holds both rows locked. A claim that locked them
    // (ON CONFLICT DO UPDATE does, even when its WHERE is false) would wait
    // for it and hit lock_timeout; a claim that only reads answers at once.
    const answers = await db.executor.transaction(async (locker) => {
      await locker.query(`select 1 from ${table} where key in ('existing', 'svc:busy') for update`);
      return db.executor.transaction(async (tx) => {
        await tx.exec("set local lock_timeout = '500ms'");
        await tx.exec("set local role service_role");
        return [await claim(tx, "existing", "holder-b"), await claim(tx, "svc:busy", "holder-b")];
      });
    });
    expect(answers).toMatchObject([
      { outcome: "completed", holder: "h", result: { secret: "customer data" } },
      { outcome: "in_progress", holder: "holder-a" },
    ]);
  });

  it("takes over a stale record only while it is still stale", async () => {
    await committedAs("service_role", (tx) => claim(tx, "svc:stale", "holder-a"));
    // holder-a's lease (30 s) has passed: holder-b takes over, then holder-c,
    // whose clock is no later, finds holder-b's live lease.
    const later = T0 + 31_000;
    const takenOver = await committedAs("service_role", (tx) =>
      claim(tx, "svc:stale", "holder-b", later),
    );
    expect(takenOver).toMatchObject({
      outcome: "acquired",
      holder: "holder-b",
      lease_expires_at: later + 30_000,
    });
    const busy = await committedAs("service_role", (tx) =>
      claim(tx, "svc:stale", "holder-c", later),
    );
    expect(busy).toMatchObject({ outcome: "in_progress", holder: "holder-b" });
  });

  it("gives exactly one of 50 concurrent service_role callers the key", async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        committedAs("service_role", (tx) => claim(tx, "svc:race", `holder-${i}`)),
      ),
    );
    const outcomes = answers.map((answer) => answer?.outcome);
    expect(outcomes.filter((outcome) => outcome === "acquired")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "in_progress")).toHaveLength(49);
  });
});
