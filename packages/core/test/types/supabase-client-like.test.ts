import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type PostgrestSchemaLike,
  type SupabaseClientLike,
  SupabaseIdempotencyStore,
  SupabaseTokenStore,
} from "../../src/supabase.js";

// The `./supabase` entry types its client structurally, so its declaration files
// import nothing from supabase-js (an optional peer). These checks, run by
// `pnpm typecheck`, keep a real client assignable, with and without a
// `Database` type: comparing supabase-js's `eq`/`in` signatures for an untyped
// client once failed here with TS2589 (instantiation excessively deep).

interface Database {
  public: {
    Tables: {
      orders: {
        Row: { id: string; amount: number | null };
        Insert: { id: string; amount?: number | null };
        Update: { id?: string; amount?: number | null };
        Relationships: [];
      };
    };
    Views: { [_ in never]: never };
    Functions: {
      lunas_idempotency_release: {
        Args: { p_table: string; p_key: string; p_holder: string };
        Returns: undefined;
      };
    };
    Enums: { [_ in never]: never };
    CompositeTypes: { [_ in never]: never };
  };
}

const url = "http://127.0.0.1:1";

describe("SupabaseClientLike accepts real supabase-js clients", () => {
  it("a client created without a Database type", () => {
    expectTypeOf<SupabaseClient>().toExtend<SupabaseClientLike>();
    const client = createClient(url, "key");
    expect(new SupabaseTokenStore(client)).toBeInstanceOf(SupabaseTokenStore);
    expect(new SupabaseIdempotencyStore(client)).toBeInstanceOf(SupabaseIdempotencyStore);
  });

  it("a client created with a Database type", () => {
    expectTypeOf<SupabaseClient<Database>>().toExtend<SupabaseClientLike>();
    const client = createClient<Database>(url, "key");
    expect(new SupabaseTokenStore(client)).toBeInstanceOf(SupabaseTokenStore);
    expect(new SupabaseIdempotencyStore(client)).toBeInstanceOf(SupabaseIdempotencyStore);
  });

  it("a client for another schema", () => {
    const client = createClient<Database, "public">(url, "key", { db: { schema: "public" } });
    expectTypeOf(client.schema("public")).toExtend<PostgrestSchemaLike>();
    expect(new SupabaseTokenStore(client, { schema: "public" })).toBeInstanceOf(SupabaseTokenStore);
  });
});
