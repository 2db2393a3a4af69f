import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildService, startChild } from "./support/child-service.js";
import { serviceClient } from "./support/service-client.js";
import { type StandIns, startStandIns } from "./support/stand-ins.js";
import { createTestDatabase } from "./support/test-database.js";

const QUANTITY = 12;

describe("a service killed while it fulfils", () => {
  let fakes: StandIns;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const children: ChildService[] = [];

  beforeAll(async () => {
    // Every router answer takes 250 ms, as over a slow link: the job is still running when killed.
    fakes = await startStandIns({ routerLatencyMs: 250 });
    db = await createTestDatabase("postgres");
  });
  afterAll(async () => {
    for (const child of children) child.process.kill("SIGKILL");
    await fakes?.close();
    await db?.drop();
  });

  const databaseUrl = () => db.env.DATABASE_URL ?? "";
  const env = () => ({
    ...fakes.env,
    ...db.env,
    // Short enough for a test: the killed worker's job and claim are taken over within seconds.
    JOB_TIMEOUT_SECONDS: "6",
    JOB_SUPERVISE_SECONDS: "2",
    VOUCHER_LEASE_SECONDS: "6",
  });

  it("completes the purchase after SIGKILL and a restart, with exactly `quantity` vouchers", async () => {
    const first = await startChild(env());
    children.push(first);
    const api = serviceClient(first.url);
    const created = await api.post("/orders", {
      product_type: "hotspot_voucher",
      customer_phone: "6281234567890",
      plan: "7-hari",
      quantity: QUANTITY,
    });
    expect(created.status, created.text).toBe(201);
    const { order_id: orderId, session_id: sessionId } = created.json;
    const tag = `${orderId}@vouchers.invalid`;
    const commandsBefore = fakes.router.commands.length;
    const [paid] = await fakes.xendit.deliverWebhook(
      `${first.url}/webhooks/xendit`,
      fakes.xendit.completeSession(sessionId),
    );
    expect(paid?.status).toBe(200);

    // Kill it as soon as the job starts adding users on the router, before it can record them.
    const deadline = Date.now() + 30_000;
    const adding = () =>
      fakes.router.commands.slice(commandsBefore).some((c) => c.command === "/ip/hotspot/user/add");
    while (!adding()) {
      if (Date.now() > deadline) throw new Error("The voucher job never reached the router");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    first.process.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(await api.call("GET", `/orders/${orderId}`).catch(() => null)).toBeNull();
    // Whatever reached the router, the purchase was not completed: the restart must finish it.
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    const { rows } = await client
      .query<{ status: string }>("select status from voucher_purchases where id = $1", [orderId])
      .finally(() => client.end());
    expect(rows[0]?.status).toBe("pending");

    const second = await startChild(env());
    children.push(second);
    const after = serviceClient(second.url);
    const done = await after.waitForOrder(orderId, (o) => o.status === "fulfilled", 75_000);
    expect(done.voucher).toMatchObject({
      purchase_status: "completed",
      vouchers_created: QUANTITY,
    });
    expect(done.fulfilment_runs).toBe(1);
    expect(fakes.router.users().filter((u) => u.email === tag)).toHaveLength(QUANTITY);
  });

  it("shuts down on SIGTERM: stops listening, finishes, exits 0", async () => {
    const child = children.at(-1);
    if (!child) throw new Error("the restarted service is missing");
    const api = serviceClient(child.url);
    expect((await api.get("/api/health")).status).toBe(200);
    child.process.kill("SIGTERM");
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(child.logs.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    await expect(api.get("/api/health")).rejects.toThrow();
  });
});
