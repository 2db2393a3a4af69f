// Every public entry point, so the typecheck reads every shipped declaration
// file (skipLibCheck: false) without the optional peers installed. Except
// `./conformance`: its suites are vitest suites, so vitest is the one peer that
// entry requires, and its declarations name vitest's `expect` type.
export * as core from "@lunas/core";
export * as corePgBoss from "@lunas/core/pg-boss";
export * as corePostgres from "@lunas/core/postgres";
export * as coreSupabase from "@lunas/core/supabase";
export * as coreTesting from "@lunas/core/testing";
export * as coreValidation from "@lunas/core/validation";
export * as rapatin from "@lunas/rapatin";
export * as rapatinPostgres from "@lunas/rapatin/postgres";
export * as rapatinTesting from "@lunas/rapatin/testing";
export * as xendit from "@lunas/xendit";
export * as xenditPostgres from "@lunas/xendit/postgres";
export * as xenditSupabase from "@lunas/xendit/supabase";
export * as xenditTesting from "@lunas/xendit/testing";
