export * from "./idempotency/supabase.js";
export * from "./token/supabase.js";
