/** A hotspot user to create. Every value is a string (or a whole number of bytes), never guessed from its look. */
export interface NewHotspotUser {
  name: string;
  password: string;
  profile: string;
  /** RouterOS `limit-uptime`, e.g. `30d`. */
  limitUptime?: string;
  /** RouterOS `limit-bytes-total`. */
  limitBytesTotal?: number;
  /** Free text; Mikhmon reads and rewrites it (see the README). */
  comment: string;
  /** Which purchase the user belongs to; how an adapter stores it must survive Mikhmon's comment rewrite. */
  purchaseTag: string;
}

/** A hotspot user as read back from the router. */
export interface HotspotUser extends NewHotspotUser {
  /** The router's id (`*1A` on RouterOS). */
  id: string;
}

export type AddUserOutcome =
  | { name: string; status: "added"; id: string }
  /** Another user (of any purchase) already has this name; nothing was created. */
  | { name: string; status: "name_taken" };

/**
 * Hotspot users on a router: the one place vouchers become real. Every user
 * carries its purchase's tag so a retry can find what an earlier attempt made.
 */
export interface HotspotRouter {
  /**
   * Creates the users (an adapter may pipeline them), answering one outcome per
   * user in order. A name already taken is an outcome, not an error; an unknown
   * profile throws `HotspotProfileNotFoundError`; anything else (router down,
   * dropped connection) throws, and some users may have been created: read back.
   */
  addUsers(users: readonly NewHotspotUser[]): Promise<AddUserOutcome[]>;
  /** The users carrying `purchaseTag`, in creation order; none is `[]`. */
  findPurchaseUsers(purchaseTag: string): Promise<HotspotUser[]>;
  /** Removes users by id; ids that no longer exist are ignored. */
  removeUsers(ids: readonly string[]): Promise<void>;
  /** Removes every user of the purchase; returns how many there were. */
  removePurchaseUsers(purchaseTag: string): Promise<number>;
  /** Names of the hotspot user profiles. */
  listProfiles(): Promise<string[]>;
  /** Resolves when the router answers; rejects with the reason it does not. */
  checkConnection(): Promise<{ identity: string; version: string }>;
}
