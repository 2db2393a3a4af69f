import { parseInput, qualifiedName, type SqlExecutor } from "@lunas/core";
import { z } from "zod";
import { epochMsSql, postgresArgumentsSchema, toIso } from "../postgres-input.js";
import type { PendingVerification, PhoneVerificationStore } from "./phone-verification-store.js";

export interface PostgresPhoneVerificationStoreOptions {
  /** Default `public`. Apply `migrateFonnteAi` to it first. */
  schema?: string;
  /** Default `fonnte_ai_phone_verifications`. */
  table?: string;
}

const argumentsSchema = postgresArgumentsSchema({
  table: z.string().default("fonnte_ai_phone_verifications"),
});

interface Row {
  user_id: string;
  phone: string;
  code_hash: string;
  attempts: number;
  expires_at_ms: number;
  created_at_ms: number;
}

const fromRow = (row: Row): PendingVerification => ({
  userId: row.user_id,
  phone: row.phone,
  codeHash: row.code_hash,
  attempts: row.attempts,
  expiresAt: row.expires_at_ms,
  createdAt: row.created_at_ms,
});

/** Pending verifications in PostgreSQL or PGlite, shared by every instance. */
export class PostgresPhoneVerificationStore implements PhoneVerificationStore {
  readonly #executor: SqlExecutor;
  readonly #table: string;
  readonly #columns =
    `user_id, phone, code_hash, attempts, ${epochMsSql("expires_at")} as expires_at_ms, ${epochMsSql("created_at")} as created_at_ms`;

  constructor(executor: SqlExecutor, options: PostgresPhoneVerificationStoreOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresPhoneVerificationStore arguments",
    );
    this.#executor = executor;
    this.#table = qualifiedName(parsed.schema, parsed.table);
  }

  async put(v: PendingVerification): Promise<void> {
    await this.#executor.query(
      `insert into ${this.#table} (user_id, phone, code_hash, attempts, expires_at, created_at)
       values ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz)
       on conflict (user_id) do update set phone = excluded.phone, code_hash = excluded.code_hash,
         attempts = excluded.attempts, expires_at = excluded.expires_at, created_at = excluded.created_at`,
      [v.userId, v.phone, v.codeHash, v.attempts, toIso(v.expiresAt), toIso(v.createdAt)],
    );
  }

  async get(userId: string): Promise<PendingVerification | null> {
    const { rows } = await this.#executor.query<Row>(
      `select ${this.#columns} from ${this.#table} where user_id = $1`,
      [userId],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async consumeAttempt(
    userId: string,
    maxAttempts: number,
    now: number,
  ): Promise<PendingVerification | null> {
    const { rows } = await this.#executor.query<Row>(
      `update ${this.#table} set attempts = attempts + 1
       where user_id = $1 and attempts < $2 and expires_at > $3::timestamptz
       returning ${this.#columns}`,
      [userId, maxAttempts, toIso(now)],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async delete(userId: string): Promise<void> {
    await this.#executor.query(`delete from ${this.#table} where user_id = $1`, [userId]);
  }
}
