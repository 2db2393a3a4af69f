import assert from "node:assert/strict";
import type { BookedMeeting } from "@lunas/rapatin";
import { createClient } from "@supabase/supabase-js";
import { recordMeetingOnOrder } from "../supabase/functions/xendit-webhook/record-meeting.ts";

// A stand-in for the one PostgREST call the function makes (PATCH /rest/v1/orders).

const meeting: BookedMeeting = {
  orderId: "INV-1",
  scheduleId: "101",
  meetingId: "83000000101",
  joinUrl: "https://us06web.zoom.us/j/83000000101?pwd=x",
  registrationUrl: null,
  passcode: "246810",
  topic: "Kelas [ref:INV-1]",
  startDate: "2026-03-01",
  startTime: "19:30:00",
  productId: 2,
  bookedAt: Date.UTC(2026, 0, 1),
  outcome: "created",
};

const options = { sanitizeResources: false, sanitizeOps: false };

async function withPostgrest(
  answer: (request: Request) => Promise<Response>,
  run: (url: string) => Promise<void>,
) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, answer);
  try {
    await run(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

const client = (url: string) =>
  createClient(url, "service-role-key", {
    auth: { persistSession: false, autoRefreshToken: false },
  });

Deno.test("writes the meeting onto its order", options, async () => {
  const seen: { method: string; path: string; body: unknown }[] = [];
  await withPostgrest(
    async (request) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: url.pathname + url.search,
        body: await request.json(),
      });
      return Response.json([{ id: "INV-1" }]);
    },
    async (url) => {
      await recordMeetingOnOrder(client(url), meeting);
    },
  );
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.method, "PATCH");
  assert.match(seen[0]?.path ?? "", /^\/rest\/v1\/orders\?id=eq\.INV-1/);
  assert.deepEqual(seen[0]?.body, {
    meeting_id: "83000000101",
    zoom_link: meeting.joinUrl,
    zoom_passcode: "246810",
  });
});

Deno.test("gives up on a PostgREST that never answers, with a typed error", options, async () => {
  let release = () => {};
  const hung = new Promise<void>((resolve) => {
    release = resolve;
  });
  await withPostgrest(
    async () => {
      await hung;
      return Response.json([]);
    },
    async (url) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        recordMeetingOnOrder(client(url), meeting, 100).then(
          () => "resolved",
          (error: unknown) => error,
        ),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve("still waiting after 3 s"), 3_000);
        }),
      ]);
      clearTimeout(timer);
      release();
      assert.ok(outcome instanceof Error, String(outcome));
      assert.equal((outcome as { code?: unknown }).code, "ORDER_RECORD_FAILED");
    },
  );
});

Deno.test("fails loudly when the order is not in the table", options, async () => {
  await withPostgrest(
    async () => Response.json([]),
    async (url) => {
      await assert.rejects(recordMeetingOnOrder(client(url), meeting), {
        code: "ORDER_NOT_FOUND",
      });
    },
  );
});
