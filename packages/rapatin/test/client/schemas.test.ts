import { describe, expect, it } from "vitest";
import {
  envelopeSchema,
  fieldsOf,
  listDataSchema,
  loginDataSchema,
  validationBodySchema,
} from "../../src/client/envelope.js";
import {
  createScheduleInputSchema,
  listSchedulesQuerySchema,
  scheduleSchema,
} from "../../src/client/schedule-schemas.js";
import createRecurring from "../fixtures/create-schedule-recurring-request.json" with {
  type: "json",
};
import createRequest from "../fixtures/create-schedule-request.json" with { type: "json" };
import createResponse from "../fixtures/create-schedule-response.json" with { type: "json" };
import listResponse from "../fixtures/list-schedules-response.json" with { type: "json" };
import loginResponse from "../fixtures/login-response.json" with { type: "json" };
import validationError from "../fixtures/validation-error-response.json" with { type: "json" };

describe("Rapatin payloads (fixtures shaped like the API reference)", () => {
  it("reads the login answer's token", () => {
    const parsed = envelopeSchema(loginDataSchema).parse(loginResponse);
    expect(parsed.data.token).toBe(loginResponse.data.token);
    expect(parsed.data.expires_in).toBeUndefined();
  });

  it("turns a numeric meeting_id from a create into a string, keeping every digit", () => {
    const schedule = scheduleSchema.parse(
      envelopeSchema(scheduleSchema).parse(createResponse).data,
    );
    expect(schedule.meeting_id).toBe("83803081288");
    expect(schedule.id).toBe("49");
    expect(schedule.registration_url).toBeNull();
    // Unknown fields pass through for callers who need them.
    expect((schedule as Record<string, unknown>).waiting_room).toBe(1);
  });

  it("keeps a string meeting_id from a listing as it is", () => {
    const { items } = envelopeSchema(listDataSchema).parse(listResponse).data;
    const schedules = items.map((item) => scheduleSchema.parse(item));
    expect(schedules.map((s) => s.meeting_id)).toEqual(["81911244410"]);
  });

  it("accepts the documented one-time and recurring create requests", () => {
    expect(createScheduleInputSchema.parse(createRequest)).toEqual(createRequest);
    expect(createScheduleInputSchema.parse(createRecurring)).toEqual(createRecurring);
  });

  it("collects 422 field messages", () => {
    expect(fieldsOf(validationBodySchema.parse(validationError))).toEqual(validationError.errors);
    expect(
      fieldsOf(validationBodySchema.parse({ data: { errors: { topic: "required" } } })),
    ).toEqual({
      topic: ["required"],
    });
    expect(fieldsOf(validationBodySchema.parse({ data: null }))).toEqual({});
  });
});

describe("create request rules", () => {
  const base = {
    product_id: 1,
    topic: "Kelas",
    start_date: "2026-03-01",
    start_time: "09:00",
    recurring: false,
  };
  const issues = (input: unknown) => {
    const result = createScheduleInputSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
  };

  it("rejects impossible dates and times", () => {
    expect(issues({ ...base, start_date: "2026-02-30" })).toEqual(["start_date"]);
    expect(issues({ ...base, start_time: "24:00" })).toEqual(["start_time"]);
    expect(issues({ ...base, start_time: "9:00" })).toEqual(["start_time"]);
  });

  it("rejects unknown fields (a typo is not silently dropped)", () => {
    expect(issues({ ...base, is_meeting_qa: true })).toEqual([""]);
  });

  it("rejects recurrence fields on a one-time meeting", () => {
    expect(issues({ ...base, recurrence: 1 })).toEqual(["recurrence"]);
  });

  it("requires what each recurrence needs", () => {
    expect(issues({ ...base, recurring: true })).toEqual([
      "recurrence",
      "repeat_interval",
      "end_type",
    ]);
    const weekly = {
      ...base,
      recurring: true,
      recurrence: 2,
      repeat_interval: 1,
      end_type: "end_date",
      end_date: "2026-04-01",
    };
    expect(issues(weekly)).toEqual(["weekly_days"]);
    expect(issues({ ...weekly, weekly_days: [2] })).toEqual([]);
    expect(issues({ ...weekly, weekly_days: [2], end_date: "2026-02-01" })).toEqual(["end_date"]);
    const monthly = {
      ...base,
      recurring: true,
      recurrence: 3,
      repeat_interval: 1,
      end_type: "end_after_type",
      end_after_type: 3,
    };
    expect(issues(monthly)).toEqual(["monthly_day"]);
    expect(issues({ ...monthly, monthly_day: 5 })).toEqual([]);
    expect(issues({ ...monthly, monthly_week: -1, monthly_week_day: 2 })).toEqual([]);
    expect(issues({ ...monthly, monthly_week: -1 })).toEqual(["monthly_week_day"]);
    expect(issues({ ...monthly, monthly_day: 5, monthly_week: 1, monthly_week_day: 2 })).toEqual([
      "monthly_day",
    ]);
  });

  it("checks the list query", () => {
    expect(listSchedulesQuerySchema.safeParse({ tab: "soon" }).success).toBe(false);
    expect(
      listSchedulesQuerySchema.safeParse({ from: "2026-01-01", recurring: true }).success,
    ).toBe(true);
  });
});
