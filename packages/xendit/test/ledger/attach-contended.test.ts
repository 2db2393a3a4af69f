import { type AttachOutcome, createLedger, MemoryLedgerStore } from "@lunas/xendit";
import { describe, expect, it } from "vitest";

/** A store whose first `contendedRounds` attaches report that the session changed hands meanwhile. */
class ContendedStore extends MemoryLedgerStore {
  attempts = 0;
  constructor(private readonly contendedRounds: number) {
    super();
  }
  override async attachSession(orderId: string, sessionId: string): Promise<AttachOutcome> {
    this.attempts += 1;
    if (this.attempts <= this.contendedRounds) return { status: "contended" };
    return super.attachSession(orderId, sessionId);
  }
}

describe("attaching a session that changes hands meanwhile", () => {
  it("the ledger tries again, so a store reports `contended` instead of retrying itself", async () => {
    const store = new ContendedStore(3);
    const ledger = createLedger({ store });
    await ledger.createOrder({ id: "o-1" });
    expect(await ledger.attachSession("o-1", "ps-1")).toMatchObject({ status: "attached" });
    expect(store.attempts).toBe(4);
  });

  it("gives up after five rounds with LEDGER_CONTENDED, having attached nothing", async () => {
    const store = new ContendedStore(Number.POSITIVE_INFINITY);
    const ledger = createLedger({ store });
    await ledger.createOrder({ id: "o-1" });
    await expect(ledger.attachSession("o-1", "ps-1")).rejects.toMatchObject({
      code: "LEDGER_CONTENDED",
    });
    expect(store.attempts).toBe(5);
    expect((await ledger.getOrder("o-1"))?.sessionId).toBeNull();
  });
});
