import { z } from "zod";

// Field names follow Rapatin's API reference (https://help.rapatin.id/api), so
// its documentation reads directly onto these types.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** `YYYY-MM-DD` that is a real calendar day. */
export const dateSchema = z
  .string()
  .regex(DATE, "must be a date as YYYY-MM-DD")
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
  }, "must be a real calendar date");

/** `HH:mm`, 24-hour. */
export const timeSchema = z.string().regex(TIME, "must be a time as HH:mm (24-hour)");

/** Meeting option flags of `POST /schedules`; all default to `false` at Rapatin. */
export const meetingFlagsSchema = z.object({
  is_meeting_registration: z.boolean().optional(),
  is_meeting_qna: z.boolean().optional(),
  is_language_interpretation: z.boolean().optional(),
  is_mute_participant_upon_entry: z.boolean().optional(),
  is_req_permission_to_unmute_participants: z.boolean().optional(),
});

export const createScheduleInputSchema = z
  .strictObject({
    product_id: z.number().int().positive(),
    /** Zoom limits a topic to 200 characters. */
    topic: z.string().trim().min(1).max(200),
    /** Zoom passcodes: up to 10 letters, digits and `@ - _ *`. */
    passcode: z
      .string()
      .regex(/^[A-Za-z0-9@\-_*]{1,10}$/, "must be 1-10 letters, digits or @ - _ *")
      .optional(),
    start_date: dateSchema,
    start_time: timeSchema,
    recurring: z.boolean(),
    /** 1 daily, 2 weekly, 3 monthly. */
    recurrence: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    repeat_interval: z.number().int().min(1).max(90).optional(),
    end_type: z.enum(["end_date", "end_after_type"]).optional(),
    end_date: dateSchema.optional(),
    /** Number of occurrences, with `end_type: "end_after_type"`. */
    end_after_type: z.number().int().min(1).max(60).optional(),
    /** Weekly meetings: days of the week, 1 (Sunday) to 7 (Saturday), as in Zoom. */
    weekly_days: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    /** Monthly meetings on a day of the month. */
    monthly_day: z.number().int().min(1).max(31).optional(),
    /** Monthly meetings on a week of the month: -1 (last) or 1-4, with `monthly_week_day`. */
    monthly_week: z
      .union([z.literal(-1), z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
      .optional(),
    monthly_week_day: z.number().int().min(1).max(7).optional(),
  })
  .extend(meetingFlagsSchema.shape)
  .superRefine((input, ctx) => {
    const need = (field: keyof typeof input, why: string) => {
      if (input[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: why });
    };
    const forbid = (field: keyof typeof input, why: string) => {
      if (input[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: why });
    };
    const recurrenceFields = [
      "recurrence",
      "repeat_interval",
      "end_type",
      "end_date",
      "end_after_type",
      "weekly_days",
      "monthly_day",
      "monthly_week",
      "monthly_week_day",
    ] as const;
    if (!input.recurring) {
      for (const field of recurrenceFields) forbid(field, "only allowed when recurring is true");
      return;
    }
    need("recurrence", "is required when recurring is true");
    need("repeat_interval", "is required when recurring is true");
    need("end_type", "is required when recurring is true");
    if (input.end_type === "end_date") {
      need("end_date", "is required when end_type is end_date");
      forbid("end_after_type", "is only allowed when end_type is end_after_type");
      if (input.end_date !== undefined && input.end_date < input.start_date) {
        ctx.addIssue({
          code: "custom",
          path: ["end_date"],
          message: "must not be before start_date",
        });
      }
    }
    if (input.end_type === "end_after_type") {
      need("end_after_type", "is required when end_type is end_after_type");
      forbid("end_date", "is only allowed when end_type is end_date");
    }
    if (input.recurrence === 2) need("weekly_days", "is required for a weekly meeting");
    else forbid("weekly_days", "is only allowed for a weekly meeting (recurrence 2)");
    if (input.recurrence === 3) {
      const byDay = input.monthly_day !== undefined;
      const byWeek = input.monthly_week !== undefined || input.monthly_week_day !== undefined;
      if (byDay === byWeek) {
        ctx.addIssue({
          code: "custom",
          path: ["monthly_day"],
          message:
            "a monthly meeting needs either monthly_day or monthly_week with monthly_week_day",
        });
      }
      if (byWeek) {
        need("monthly_week", "is required with monthly_week_day");
        need("monthly_week_day", "is required with monthly_week");
      }
    } else {
      forbid("monthly_day", "is only allowed for a monthly meeting (recurrence 3)");
      forbid("monthly_week", "is only allowed for a monthly meeting (recurrence 3)");
      forbid("monthly_week_day", "is only allowed for a monthly meeting (recurrence 3)");
    }
  });

export type CreateScheduleInput = z.input<typeof createScheduleInputSchema>;

export const listSchedulesQuerySchema = z.strictObject({
  tab: z.enum(["previous", "upcoming", "all"]).optional(),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  /** `true`: recurring only; `false`: one-time only; absent: both. */
  recurring: z.boolean().optional(),
});

export type ListSchedulesQuery = z.input<typeof listSchedulesQuerySchema>;

const nullableString = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

/** A schedule as Rapatin returns it. Unknown fields pass through untouched. */
export const scheduleSchema = z.looseObject({
  id: z.union([z.number().int(), z.string().min(1)]).transform(String),
  topic: z.string(),
  passcode: nullableString,
  recurring: z.union([z.boolean(), z.literal(0), z.literal(1)]).transform(Boolean),
  start_date: z.string(),
  start_time: z.string(),
  // Rapatin sends the Zoom meeting id as a number on create and as a string when
  // listing; ids of 11+ digits are still exact below 2^53, and callers always get a string.
  meeting_id: z.union([z.number().int().nonnegative(), z.string().min(1)]).transform(String),
  occurence_id: z
    .union([z.number(), z.string()])
    .nullish()
    .transform((v) => (v == null ? null : String(v))),
  join_url: z.string().url(),
  registration_url: nullableString,
});

export type RapatinSchedule = z.output<typeof scheduleSchema>;
