import { parseInput, qualifiedName, type SqlExecutor } from "@lunas/core";
import { z } from "zod";
import { epochMsSql, postgresArgumentsSchema, toIso } from "../postgres-input.js";
import { sessionPolicyFields } from "./session-input.js";
import {
  type ChatMessage,
  type SessionPolicy,
  type SessionStore,
  trimToWholeTurns,
} from "./session-store.js";

export interface PostgresSessionStoreOptions extends Partial<SessionPolicy> {
  /** Default `public`. Apply `migrateFonnteAi` to it first. */
  schema?: string;
  /** Default `fonnte_ai_sessions`. */
  table?: string;
}

const argumentsSchema = postgresArgumentsSchema({
  ...sessionPolicyFields,
  table: z.string().default("fonnte_ai_sessions"),
});

/**
 * Sessions in PostgreSQL or PGlite, shared by every bridge instance. An append
 * locks the sender's row for the read-trim-write, so two instances appending
 * to one conversation never lose each other's messages.
 */
export class PostgresSessionStore implements SessionStore {
  readonly #executor: SqlExecutor;
  readonly #table: string;
  readonly #policy: SessionPolicy;

  constructor(executor: SqlExecutor, options: PostgresSessionStoreOptions = {}) {
    const { options: parsed } = parseInput(
      argumentsSchema,
      { executor, options },
      "PostgresSessionStore arguments",
    );
    this.#executor = executor;
    this.#table = qualifiedName(parsed.schema, parsed.table);
    this.#policy = { maxMessages: parsed.maxMessages, ttlMs: parsed.ttlMs };
  }

  async read(key: string, now: number): Promise<ChatMessage[]> {
    const { rows } = await this.#executor.query<{ messages: ChatMessage[] }>(
      `select messages from ${this.#table} where key = $1 and updated_at >= $2::timestamptz`,
      [key, toIso(now - this.#policy.ttlMs)],
    );
    return rows[0]?.messages ?? [];
  }

  async append(key: string, messages: readonly ChatMessage[], now: number): Promise<void> {
    await this.#executor.transaction(async (tx) => {
      // Creates the row when missing so the `for update` below always has one to lock.
      await tx.query(
        `insert into ${this.#table} (key, messages, updated_at) values ($1, '[]'::jsonb, $2::timestamptz)
         on conflict (key) do nothing`,
        [key, toIso(now)],
      );
      const { rows } = await tx.query<{ messages: ChatMessage[]; updated_at_ms: number }>(
        `select messages, ${epochMsSql("updated_at")} as updated_at_ms
         from ${this.#table} where key = $1 for update`,
        [key],
      );
      const row = rows[0];
      const live = row && now - row.updated_at_ms <= this.#policy.ttlMs ? row.messages : [];
      const next = trimToWholeTurns(
        [...live, ...messages.map((m) => ({ role: m.role, text: m.text }))],
        this.#policy.maxMessages,
      );
      await tx.query(
        `update ${this.#table} set messages = $2::jsonb, updated_at = $3::timestamptz where key = $1`,
        [key, JSON.stringify(next), toIso(now)],
      );
    });
  }

  async delete(key: string): Promise<void> {
    await this.#executor.query(`delete from ${this.#table} where key = $1`, [key]);
  }

  async countActive(now: number): Promise<number> {
    const { rows } = await this.#executor.query<{ n: number }>(
      `select count(*)::int as n from ${this.#table} where updated_at >= $1::timestamptz`,
      [toIso(now - this.#policy.ttlMs)],
    );
    return rows[0]?.n ?? 0;
  }

  async purgeExpired(now: number): Promise<number> {
    const { rowCount } = await this.#executor.query(
      `delete from ${this.#table} where updated_at < $1::timestamptz`,
      [toIso(now - this.#policy.ttlMs)],
    );
    return rowCount;
  }
}
