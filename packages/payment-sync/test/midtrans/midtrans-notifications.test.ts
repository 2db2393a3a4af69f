import { createHash } from "node:crypto";
import { createIdempotentProcessor } from "@lunas/core";
import { migrateCore, PostgresIdempotencyStore } from "@lunas/core/postgres";
import { createPostgresTestSchema, type TestDatabase } from "@lunas/core/testing";
import {
  constantTimeEqual,
  createMidtransNotificationHandler,
  isMidtransPaid,
  MemoryEntitlementStore,
  MemoryPaymentSource,
  midtransSignature,
  midtransTimeToIso,
} from "@lunas/payment-sync";
import {
  migratePaymentSync,
  PostgresEntitlementStore,
  PostgresPaymentSource,
} from "@lunas/payment-sync/postgres";
import { buildMidtransNotification, midtransRequest } from "@lunas/payment-sync/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const SERVER_KEY = "SB-Mid-server-test-key";

describe("Midtrans signature and status", () => {
  it("signs SHA-512 over the raw strings, as Midtrans documents (checked against node:crypto)", async () => {
    const expected = createHash("sha512").update(`order-1200150000.00${SERVER_KEY}`).digest("hex");
    expect(await midtransSignature("order-1", "200", "150000.00", SERVER_KEY)).toBe(expected);
    expect(await midtransSignature("order-1", "200", "150000", SERVER_KEY)).not.toBe(expected);
  });

  it("compares in constant time over the whole length", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });

  it("counts settlement and accepted capture as paid, nothing else", () => {
    const paid = (transaction_status: string, fraud_status?: string) =>
      isMidtransPaid({ transaction_status, ...(fraud_status ? { fraud_status } : {}) });
    expect(paid("settlement")).toBe(true);
    expect(paid("capture", "accept")).toBe(true);
    for (const [status, fraud] of [
      ["capture", "challenge"],
      ["capture", undefined],
      ["pending", undefined],
      ["deny", "accept"],
      ["expire", undefined],
      ["cancel", undefined],
      ["refund", undefined],
      ["authorize", "accept"],
    ] as const) {
      expect(paid(status, fraud), `${status}/${fraud}`).toBe(false);
    }
  });

  it("reads Midtrans times as Jakarta time", () => {
    expect(midtransTimeToIso("2026-05-17 15:30:15")).toBe("2026-05-17T08:30:15.000Z");
    expect(midtransTimeToIso("17/05/2026")).toBeNull();
    expect(midtransTimeToIso(undefined)).toBeNull();
  });

  it("refuses bad or misspelt options with INVALID_ARGUMENT", () => {
    const base = {
      serverKey: SERVER_KEY,
      processor: createIdempotentProcessor({
        store: { claim() {}, complete() {}, release() {}, get() {}, purgeExpired() {} } as never,
      }),
      payments: new MemoryPaymentSource(),
      entitlements: new MemoryEntitlementStore(),
      resolveOrder: () => ({ userId: "u", itemId: "i" }),
    };
    for (const bad of [
      { ...base, serverKey: "" },
      { ...base, resolveOrder: undefined },
      { ...base, payments: { listPaymentUsers() {}, paymentsOf() {} } },
      { ...base, serverkey: "x" },
    ]) {
      expect(() => createMidtransNotificationHandler(bad as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });
});

describe("Midtrans notifications on PostgreSQL", () => {
  let db: TestDatabase;
  let handler: (request: Request) => Promise<Response>;
  const t = (table: string) => `"${db.schema}".${table}`;
  const count = async (table: string) =>
    Number(
      (await db.executor.query<{ n: string }>(`select count(*) as n from ${t(table)}`)).rows[0]?.n,
    );
  const itemsOf = async (userId: string) =>
    (
      await db.executor.query<{ items: string[] }>(
        `select items from ${t("payment_sync_users")} where user_id = $1`,
        [userId],
      )
    ).rows[0]?.items ?? null;

  beforeAll(async () => {
    db = await createPostgresTestSchema("sync_midtrans");
    await migrateCore(db.executor, { schema: db.schema });
    await migratePaymentSync(db.executor, { schema: db.schema });
    handler = createMidtransNotificationHandler({
      serverKey: SERVER_KEY,
      processor: createIdempotentProcessor({
        store: new PostgresIdempotencyStore(db.executor, { schema: db.schema }),
      }),
      payments: new PostgresPaymentSource(db.executor, { schema: db.schema }),
      entitlements: new PostgresEntitlementStore(db.executor, { schema: db.schema }),
      // The original system's order ids: LMS-<user>-<course>-<timestamp>.
      resolveOrder: (n) => {
        const [, userId, itemId] = n.order_id.split("-");
        return { userId: userId as string, itemId: itemId as string };
      },
    });
  });
  beforeEach(async () => {
    await db.executor.exec(
      `delete from ${t("payment_sync_payments")}; delete from ${t("payment_sync_users")}; delete from ${t("lunas_idempotency")}`,
    );
  });
  afterAll(() => db.drop());

  it("a forged signature answers 401 and writes nothing", async () => {
    const forged = await buildMidtransNotification("not-the-server-key", {
      order_id: "LMS-u1-c1-1",
    });
    const tampered = {
      ...(await buildMidtransNotification(SERVER_KEY, { order_id: "LMS-u1-c1-2" })),
      gross_amount: "1000.00",
    };
    for (const body of [forged, tampered, { order_id: "LMS-u1-c1-3" }]) {
      const response = await handler(midtransRequest(body));
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe("UNAUTHORIZED");
    }
    expect(
      await handler(new Request("http://x/", { method: "POST", body: "not json" })).then(
        (r) => r.status,
      ),
    ).toBe(401);
    expect(await count("payment_sync_payments")).toBe(0);
    expect(await count("payment_sync_users")).toBe(0);
    expect(await count("lunas_idempotency")).toBe(0);
  });

  it("the same paid notification ten times at once: one payment, one grant", async () => {
    const body = await buildMidtransNotification(SERVER_KEY, { order_id: "LMS-u2-c7-1700000000" });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => handler(midtransRequest(body))),
    );
    const statuses = responses.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 409),
      String(statuses),
    ).toBe(true);
    const answers = await Promise.all(
      responses.filter((r) => r.status === 200).map((r) => r.json()),
    );
    expect(answers.filter((a) => !a.replayed)).toEqual([
      {
        ok: true,
        replayed: false,
        orderId: "LMS-u2-c7-1700000000",
        paid: true,
        recorded: true,
        granted: true,
      },
    ]);
    // Redelivered later, as Midtrans retries: replayed, nothing new.
    const later = await handler(midtransRequest(body));
    expect(await later.json()).toMatchObject({ replayed: true, paid: true });
    expect(await count("payment_sync_payments")).toBe(1);
    expect(await itemsOf("u2")).toEqual(["c7"]);
    const { rows } =
      await db.executor.query(`select payment_id, user_id, item_id, amount::float8 as amount, provider,
      to_char(paid_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as paid_at from ${t("payment_sync_payments")}`);
    expect(rows).toEqual([
      {
        payment_id: "LMS-u2-c7-1700000000",
        user_id: "u2",
        item_id: "c7",
        amount: 150000,
        provider: "midtrans",
        paid_at: "2026-05-17T08:31:02",
      },
    ]);
  });

  it("pending, deny, expire (and a challenged capture) answer 200 and grant nothing; a later settlement grants", async () => {
    for (const [transaction_status, fraud_status] of [
      ["pending", undefined],
      ["deny", "deny"],
      ["expire", undefined],
      ["capture", "challenge"],
    ] as const) {
      const body = await buildMidtransNotification(SERVER_KEY, {
        order_id: "LMS-u3-c1-1",
        transaction_status,
        fraud_status,
        status_code: transaction_status === "pending" ? "201" : "202",
      });
      const response = await handler(midtransRequest(body));
      expect(response.status, transaction_status).toBe(200);
      expect(await response.json()).toMatchObject({ paid: false });
    }
    expect(await count("payment_sync_payments")).toBe(0);
    expect(await itemsOf("u3")).toBeNull();

    const capture = await buildMidtransNotification(SERVER_KEY, {
      order_id: "LMS-u3-c1-1",
      transaction_status: "capture",
      fraud_status: "accept",
    });
    expect((await handler(midtransRequest(capture))).status).toBe(200);
    // The settlement that follows an accepted capture is the same payment: replayed, not a 422.
    const settlement = await buildMidtransNotification(SERVER_KEY, { order_id: "LMS-u3-c1-1" });
    expect(await (await handler(midtransRequest(settlement))).json()).toMatchObject({
      replayed: true,
    });
    expect(await count("payment_sync_payments")).toBe(1);
    expect(await itemsOf("u3")).toEqual(["c1"]);
  });
});
