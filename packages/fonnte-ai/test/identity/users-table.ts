import type { SqlExecutor } from "@lunas/core";
import type { SeedUser } from "@lunas/fonnte-ai/conformance";

/** The app's users table as the original system had it (this package never creates it). */
export async function createUsersTable(
  executor: SqlExecutor,
  schema: string,
  users: readonly SeedUser[],
): Promise<void> {
  await executor.exec(`create table if not exists "${schema}".users (
    id text primary key,
    email text,
    phone_number text unique,
    is_approved boolean not null default false
  )`);
  for (const user of users) {
    await executor.query(
      `insert into "${schema}".users (id, phone_number, is_approved) values ($1, $2, $3)`,
      [user.id, user.phone_number, user.is_approved],
    );
  }
}
