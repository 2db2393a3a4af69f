import { LunasError, parseInput, quoteIdentifier } from "@lunas/core";
import type { SupabaseClientLike } from "@lunas/core/supabase";
import { portSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { IdentityResolver, ResolvedIdentity, UsersTableOptions } from "./identity-resolver.js";
import { usersTableFields } from "./users-table-input.js";

export interface SupabaseIdentityResolverOptions extends UsersTableOptions {
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

/** A Supabase request failed; PostgREST's code is in the message. */
export class SupabaseIdentityError extends LunasError {
  constructor(what: string, detail: { code?: string; message?: string }) {
    super(
      "IDENTITY_LOOKUP_FAILED",
      `Supabase identity resolver could not ${what}: ${detail.code ?? "no code"} ${detail.message ?? ""}`.trim(),
    );
  }
}

const argumentsSchema = z.object({
  client: portSchema<SupabaseClientLike>("SupabaseClient", ["from"]),
  options: z.strictObject({
    ...usersTableFields,
    timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  }),
});

const UNIQUE_VIOLATION = "23505";
const rowSchema = z.looseObject({});

/**
 * `IdentityResolver` over the app's users table through supabase-js, for apps
 * that reach their database only through Supabase's API (use the service role:
 * the users table is normally closed to `anon` by row level security).
 */
export class SupabaseIdentityResolver implements IdentityResolver {
  readonly #client: SupabaseClientLike;
  readonly #o: z.output<typeof argumentsSchema>["options"];

  constructor(client: SupabaseClientLike, options: SupabaseIdentityResolverOptions = {}) {
    const parsed = parseInput(
      argumentsSchema,
      { client, options },
      "SupabaseIdentityResolver arguments",
    );
    // The same identifier rules as the SQL adapter, so a name that works here works there.
    for (const name of [
      parsed.options.table,
      parsed.options.idColumn,
      parsed.options.phoneColumn,
      parsed.options.approvedColumn,
    ]) {
      quoteIdentifier(name);
    }
    this.#client = client;
    this.#o = parsed.options;
  }

  async resolve(phone: string): Promise<ResolvedIdentity | null> {
    const { table, idColumn, phoneColumn, approvedColumn, timeoutMs } = this.#o;
    const { data, error } = await this.#client
      .from(table)
      .select(`${idColumn},${approvedColumn}`)
      .filter(phoneColumn, "eq", phone)
      .limit(2)
      .abortSignal(AbortSignal.timeout(timeoutMs));
    if (error) throw new SupabaseIdentityError("look up a phone number", error);
    const rows = z.array(rowSchema).parse(data);
    if (rows.length !== 1) return null;
    const row = rows[0]!;
    return { userId: String(row[idColumn]), approved: row[approvedColumn] === true };
  }

  async linkPhone(userId: string, phone: string): Promise<"linked" | "taken" | "no_user"> {
    const { table, idColumn, phoneColumn, timeoutMs } = this.#o;
    const taken = await this.#client
      .from(table)
      .select(idColumn)
      .filter(phoneColumn, "eq", phone)
      .filter(idColumn, "neq", userId)
      .limit(1)
      .abortSignal(AbortSignal.timeout(timeoutMs));
    if (taken.error) throw new SupabaseIdentityError("check a phone number", taken.error);
    if (Array.isArray(taken.data) && taken.data.length > 0) return "taken";
    const updated = await this.#client
      .from(table)
      .update({ [phoneColumn]: phone })
      .filter(idColumn, "eq", userId)
      .select(idColumn)
      .abortSignal(AbortSignal.timeout(timeoutMs));
    if (updated.error) {
      // A unique index on the phone column caught a concurrent link of the same number.
      if (updated.error.code === UNIQUE_VIOLATION) return "taken";
      throw new SupabaseIdentityError("link a phone number", updated.error);
    }
    return Array.isArray(updated.data) && updated.data.length > 0 ? "linked" : "no_user";
  }
}
