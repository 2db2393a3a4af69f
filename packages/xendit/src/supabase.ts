export {
  SupabaseLedgerStore,
  SupabaseLedgerStoreError,
  type SupabaseLedgerStoreOptions,
} from "./ledger/supabase-ledger-store.js";
