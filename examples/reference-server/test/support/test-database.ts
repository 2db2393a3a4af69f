import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type DatabaseKind = "pglite" | "postgres";

/** A fresh database for one test file: a PostgreSQL database of its own, or a PGlite directory. */
export async function createTestDatabase(kind: DatabaseKind) {
  if (kind === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "lunas-rs-"));
    return {
      env: { PGLITE_DATA_DIR: dir } as Record<string, string>,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `lunas_rs_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() } as Record<string, string>,
    drop: async () => {
      const client = new pg.Client({
        connectionString: ADMIN_URL,
        connectionTimeoutMillis: 10_000,
      });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
