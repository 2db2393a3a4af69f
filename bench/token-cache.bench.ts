import { createTokenProvider, MemoryTokenStore } from "@lunas/core";
import {
  createPgExecutor,
  createPgPool,
  migrateCore,
  PostgresTokenStore,
} from "@lunas/core/postgres";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function timePerOp(label: string, iterations: number, op: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(iterations, 10_000); i++) await op(); // warm the JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await op();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`  ${label.padEnd(52)} ${ns.toFixed(0).padStart(9)} ns/op  (${iterations} ops)`);
  return ns;
}

/**
 * Cost of `getToken()` once a token is cached: what every webhook pays instead
 * of a login. The provider keeps the token in memory in front of its store, so
 * a hit costs the same whatever the store; the store read is shown for scale.
 */
export async function run() {
  console.log("token cache: cost of a cache hit");
  let logins = 0;
  const fetchToken = async () => {
    logins++;
    return { token: "bench-token", expiresIn: 7 * 24 * 3600 };
  };

  const memory = createTokenProvider({
    key: "bench:memory",
    store: new MemoryTokenStore(),
    fetchToken,
  });
  await memory.getToken();
  await timePerOp("getToken() hit, MemoryTokenStore", 1_000_000, () => memory.getToken());

  const pool = createPgPool({ connectionString: DATABASE_URL, max: 4 });
  const schema = `bench_token_${Date.now().toString(36)}`;
  try {
    const executor = createPgExecutor(pool);
    await migrateCore(executor, { schema });
    const store = new PostgresTokenStore(executor, { schema });
    const postgres = createTokenProvider({ key: "bench:pg", store, fetchToken });
    await postgres.getToken();
    await timePerOp("getToken() hit, PostgresTokenStore", 1_000_000, () => postgres.getToken());
    await timePerOp("for scale: PostgresTokenStore.get() (one SELECT)", 5_000, () =>
      store.get("bench:pg"),
    );
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
  console.log(`  logins during the whole run: ${logins} (one per provider)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
