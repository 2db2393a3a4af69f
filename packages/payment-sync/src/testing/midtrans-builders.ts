import { midtransSignature } from "../midtrans/midtrans-signature.js";

/** A Midtrans notification body, signed with `serverKey` unless `signature_key` is given. */
export async function buildMidtransNotification(
  serverKey: string,
  overrides: Record<string, string | undefined> & { order_id: string },
): Promise<Record<string, string>> {
  const body: Record<string, string | undefined> = {
    transaction_time: "2026-05-17 15:30:15",
    settlement_time: "2026-05-17 15:31:02",
    transaction_status: "settlement",
    transaction_id: `tx-${overrides.order_id}`,
    status_code: "200",
    gross_amount: "150000.00",
    payment_type: "bank_transfer",
    fraud_status: "accept",
    currency: "IDR",
    ...overrides,
  };
  body.signature_key ??= await midtransSignature(
    body.order_id as string,
    body.status_code as string,
    body.gross_amount as string,
    serverKey,
  );
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

/** The POST Midtrans makes to the notification URL. */
export function midtransRequest(
  body: unknown,
  url = "http://localhost/midtrans/notification",
): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
