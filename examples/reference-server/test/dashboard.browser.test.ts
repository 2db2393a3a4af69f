import { accessSync, constants } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/server.js";
import { orderBodies } from "./support/end-to-end-suite.js";
import { startInProcess } from "./support/in-process-service.js";
import { ADMIN_KEY, serviceClient } from "./support/service-client.js";
import { type StandIns, startStandIns } from "./support/stand-ins.js";
import { createTestDatabase } from "./support/test-database.js";

// The operating system's Chromium, never a downloaded one: CI installs Debian's package.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function requireChromium(): string {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    // A missing browser must fail this file loudly; skipping would hide that the dashboard went untested.
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return CHROMIUM;
}

describe("the admin dashboard in headless Chromium", () => {
  let fakes: StandIns;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningServer;
  let browser: Browser;
  let purchaseId: string;
  const quantity = 2;

  beforeAll(async () => {
    const executablePath = requireChromium();
    fakes = await startStandIns();
    db = await createTestDatabase("pglite");
    // No job retries: the purchase fails at its first attempt and waits for the button.
    service = await startInProcess({ ...fakes.env, ...db.env, JOB_RETRY_LIMIT: "0" });
    // launch() gives the browser a fresh temporary profile of its own and deletes it on close.
    browser = await chromium.launch({
      executablePath,
      headless: true,
      timeout: 30_000,
      args: [
        // CI runs as root, where Chromium's sandbox cannot start.
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        // Nothing but the page under test should reach the network.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await fakes?.close();
    await db?.drop();
  });

  const signedIn = () =>
    browser.newContext({ httpCredentials: { username: "admin", password: ADMIN_KEY } });

  it("refuses the page without the key", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === "/admin", {
        timeout: 15_000,
      });
      // With no credentials to give, Chromium abandons the Basic challenge and the navigation fails.
      const navigation = await page.goto(`${service.url}/admin`, { timeout: 15_000 }).then(
        () => null,
        (error: Error) => error,
      );
      expect(navigation?.message).toMatch(/ERR_INVALID_AUTH_CREDENTIALS/);
      const response = await answer;
      expect(response.status()).toBe(401);
      expect(response.headers()["www-authenticate"]).toMatch(/^Basic /);
      expect(await response.text()).not.toContain("Orders by status");
      await expect(page.locator("h1, h2, table, form").count()).resolves.toBe(0);
      expect(await page.content()).not.toContain("Orders by status");
    } finally {
      await context.close();
    }
  });

  it("loads with the key and shows every section", async () => {
    const context = await signedIn();
    try {
      const page = await context.newPage();
      const response = await page.goto(`${service.url}/admin`, { timeout: 15_000 });
      expect(response?.status()).toBe(200);
      await expect(page.locator("h1").textContent()).resolves.toBe("Lunas admin");
      const sections = await page.locator("h2").allTextContents();
      expect(sections).toEqual([
        "Orders by status",
        "Deliveries",
        "Queue depth",
        "Failed voucher purchases",
        "Recent orders",
        "Recent payments",
        "Orphans",
        "Reconciliation",
      ]);
    } finally {
      await context.close();
    }
  });

  it("shows a voucher purchase that failed while the router was down", async () => {
    const api = serviceClient(service.url);
    const created = await api.post("/orders", { ...orderBodies.hotspot_voucher, quantity });
    expect(created.status, created.text).toBe(201);
    purchaseId = created.json.order_id;
    // Down only after the order: the order checks the router's profile before it sells anything.
    fakes.router.setDown(true);
    const [webhook] = await fakes.xendit.deliverWebhook(
      `${service.url}/webhooks/xendit`,
      fakes.xendit.completeSession(created.json.session_id),
    );
    expect(webhook?.status).toBe(200);

    const context = await signedIn();
    try {
      const page = await context.newPage();
      const regenerate = page.locator(
        `button[data-action="regenerate"][data-purchase="${purchaseId}"]`,
      );
      // The job fails in the background; the page shows it once it has.
      await expect
        .poll(
          async () => {
            await page.goto(`${service.url}/admin`, { timeout: 15_000 });
            return regenerate.count();
          },
          { timeout: 30_000, interval: 250, message: "the purchase never appeared as failed" },
        )
        .toBe(1);
      const row = page.locator("tr", { has: regenerate });
      await expect(row.locator("td").first().textContent()).resolves.toBe(purchaseId);
      await expect(row.locator("td").nth(1).textContent()).resolves.toBe(String(quantity));
      expect(
        fakes.router.users().filter((u) => u.email === `${purchaseId}@vouchers.invalid`),
      ).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("completes that purchase with its Regenerate button", async () => {
    expect(purchaseId, "the previous test left no failed purchase").toBeTruthy();
    fakes.router.setDown(false);
    const context = await signedIn();
    try {
      const page = await context.newPage();
      await page.goto(`${service.url}/admin`, { timeout: 15_000 });
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/admin" && url.searchParams.has("notice"), {
          timeout: 30_000,
        }),
        page
          .locator(`button[data-action="regenerate"][data-purchase="${purchaseId}"]`)
          .click({ timeout: 10_000 }),
      ]);
      // Regenerating runs while the request waits, so the page it lands on already says how it ended.
      await expect(page.locator(".notice").textContent()).resolves.toBe(
        `Purchase ${purchaseId}: completed`,
      );

      // The purchase's own status, as the monitoring API reports it, through the same browser session.
      await expect
        .poll(
          async () => {
            const answer = await context.request.get(
              `${service.url}/voucher/api/payments?status=completed&limit=100`,
              { headers: { authorization: `Bearer ${ADMIN_KEY}` }, timeout: 10_000 },
            );
            const body = (await answer.json()) as { purchases: { id: string; status: string }[] };
            return body.purchases.find((p) => p.id === purchaseId)?.status;
          },
          { timeout: 30_000, interval: 250, message: "the purchase never reached completed" },
        )
        .toBe("completed");

      await page.goto(`${service.url}/admin`, { timeout: 15_000 });
      await expect(
        page.locator(`button[data-action="regenerate"][data-purchase="${purchaseId}"]`).count(),
      ).resolves.toBe(0);
      await expect(page.locator(`[data-order="${purchaseId}"]`).textContent()).resolves.toBe(
        "fulfilled",
      );
      expect(
        fakes.router.users().filter((u) => u.email === `${purchaseId}@vouchers.invalid`),
      ).toHaveLength(quantity);
    } finally {
      await context.close();
    }
  });
});
