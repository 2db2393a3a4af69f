export {
  SupabaseIdentityError,
  SupabaseIdentityResolver,
  type SupabaseIdentityResolverOptions,
} from "./identity/supabase-identity-resolver.js";
