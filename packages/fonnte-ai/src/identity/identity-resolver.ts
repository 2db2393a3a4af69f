/** Who a phone number belongs to. */
export interface ResolvedIdentity {
  userId: string;
  approved: boolean;
}

/**
 * Maps a WhatsApp number (`62…` digits) to the app's user, and links a verified
 * number to a user. The adapters read the app's own `users` table
 * (`phone_number`, `is_approved`); this package never creates it.
 */
export interface IdentityResolver {
  /** The user with this number; `null` when none (or more than one: ambiguous numbers are not trusted). */
  resolve(phone: string): Promise<ResolvedIdentity | null>;
  /**
   * Sets the user's phone number. Resolves `"linked"`, `"taken"` when another
   * user already has this number, or `"no_user"` when `userId` does not exist.
   */
  linkPhone(userId: string, phone: string): Promise<"linked" | "taken" | "no_user">;
}

/** Table and column names of the app's users table. */
export interface UsersTableOptions {
  /** Default `users`. */
  table?: string;
  /** Default `id`. */
  idColumn?: string;
  /** Default `phone_number`. */
  phoneColumn?: string;
  /** Default `is_approved`. */
  approvedColumn?: string;
}
