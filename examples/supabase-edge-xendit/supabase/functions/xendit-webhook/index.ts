// Supabase Edge Function `xendit-webhook`: Xendit calls it when a payment
// session completes; it books the order's Zoom meeting through Rapatin once.
import { SupabaseIdempotencyStore, SupabaseTokenStore } from "@lunas/core/supabase";
import { createRapatinClient } from "@lunas/rapatin";
import { createClient } from "@supabase/supabase-js";
import { recordMeetingOnOrder } from "./record-meeting.ts";
import { createXenditWebhookHandler } from "./webhook-handler.ts";

function env(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`Set the ${name} secret for the xendit-webhook function`);
  return value;
}

// The service role bypasses RLS; the token and idempotency tables have RLS on
// and no policies, so no other key can read them.
const supabase = createClient(env("SUPABASE_URL"), env("SUPABASE_SERVICE_ROLE_KEY"), {
  auth: { persistSession: false, autoRefreshToken: false },
});

const rapatin = createRapatinClient({
  email: env("RAPATIN_EMAIL"),
  password: env("RAPATIN_PASSWORD"),
  device: "xendit-webhook",
  // Xendit waits 30 s for the answer; a slow Rapatin call fails first and the
  // 500 makes Xendit redeliver (the booker then adopts whatever was created).
  timeoutMs: 8_000,
  retry: { limit: 1, delayMs: 300 },
  // One login shared by every instance until it expires (7 days unless a 401 says sooner).
  tokenStore: new SupabaseTokenStore(supabase, { table: "rapatin_auth_tokens" }),
});

const handler = createXenditWebhookHandler({
  verificationTokens: env("XENDIT_CALLBACK_TOKENS")
    .split(",")
    .map((token) => token.trim()),
  idempotencyStore: new SupabaseIdempotencyStore(supabase),
  rapatin,
  // After a create that timed out the booker keeps its claim until the lease
  // lapses; short enough that a redelivery waits inside Xendit's 30 s, long
  // enough for one create (8 s for the headers, 8 s more at most for the body).
  leaseMs: 20_000,
  waitTimeoutMs: 15_000,
  // Throwing answers 500, so Xendit redelivers and the booker returns the same meeting.
  onBooked: (meeting) => recordMeetingOnOrder(supabase, meeting),
});

Deno.serve(handler);
