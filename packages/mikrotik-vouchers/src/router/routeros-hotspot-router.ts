import { parseInput } from "@lunas/core";
import { portSchema } from "@lunas/core/validation";
import { z } from "zod";
import type { RouterOsClient } from "../routeros/routeros-client.js";
import { RouterOsTrapError } from "../routeros/routeros-errors.js";
import type {
  AddUserOutcome,
  HotspotRouter,
  HotspotUser,
  NewHotspotUser,
} from "./hotspot-router.js";
import { HotspotProfileNotFoundError } from "./hotspot-router-errors.js";

export interface RouterOsHotspotRouterOptions {
  /**
   * The domain of the `email` field that carries the purchase tag
   * (`<tag>@<domain>`). Default `vouchers.invalid`.
   */
  tagDomain?: string;
  /** Ids per `remove` command. Default 100. */
  removeBatchSize?: number;
}

const argumentsSchema = z.object({
  client: portSchema<RouterOsClient>("RouterOsClient", ["run", "close"]),
  options: z.strictObject({
    tagDomain: z
      .string()
      .regex(/^[a-z0-9.-]+$/, "must be a domain in lower case")
      .default("vouchers.invalid"),
    removeBatchSize: z.number().int().min(1).max(1000).default(100),
  }),
});

const USER_FIELDS = ".id,name,password,profile,comment,email,limit-uptime,limit-bytes-total";

/**
 * `HotspotRouter` over the RouterOS API (`/ip/hotspot/user`).
 *
 * The purchase tag lives in the user's `email` field, not its `comment`:
 * Mikhmon's `on-login` script replaces the comment of users whose comment
 * starts with `vc`/`up` (or is empty) by their expiry date on first login, and
 * a tag lost that way would let a retry create the purchase's vouchers again.
 * The comment keeps Mikhmon's `vc-…` form, so Mikhmon still tracks expiry.
 */
export class RouterOsHotspotRouter implements HotspotRouter {
  readonly #client: RouterOsClient;
  readonly #domain: string;
  readonly #removeBatchSize: number;

  constructor(client: RouterOsClient, options: RouterOsHotspotRouterOptions = {}) {
    const parsed = parseInput(
      argumentsSchema,
      { client, options },
      "RouterOsHotspotRouter arguments",
    );
    this.#client = parsed.client;
    this.#domain = parsed.options.tagDomain;
    this.#removeBatchSize = parsed.options.removeBatchSize;
  }

  async addUsers(users: readonly NewHotspotUser[]): Promise<AddUserOutcome[]> {
    // All sent at once: the client pipelines them within its window.
    const settled = await Promise.allSettled(
      users.map((user) => this.#client.run("/ip/hotspot/user/add", this.#addWords(user))),
    );
    let failure: unknown;
    const outcomes = settled.map((result, i): AddUserOutcome => {
      const name = users[i]!.name;
      if (result.status === "fulfilled")
        return { name, status: "added", id: result.value.ret ?? "" };
      const error = result.reason;
      if (error instanceof RouterOsTrapError && /already have user/i.test(error.routerMessage)) {
        return { name, status: "name_taken" };
      }
      if (error instanceof RouterOsTrapError && /value of profile/i.test(error.routerMessage)) {
        failure ??= new HotspotProfileNotFoundError(users[i]!.profile);
      } else {
        failure ??= error;
      }
      return { name, status: "name_taken" };
    });
    if (failure !== undefined) throw failure;
    return outcomes;
  }

  async findPurchaseUsers(purchaseTag: string): Promise<HotspotUser[]> {
    const { rows } = await this.#client.run("/ip/hotspot/user/print", [
      `?email=${this.#email(purchaseTag)}`,
      `=.proplist=${USER_FIELDS}`,
    ]);
    return rows.map((row) => ({
      id: row[".id"] ?? "",
      name: row.name ?? "",
      password: row.password ?? "",
      profile: row.profile ?? "",
      comment: row.comment ?? "",
      purchaseTag,
      ...(row["limit-uptime"] ? { limitUptime: row["limit-uptime"] } : {}),
      ...(row["limit-bytes-total"] ? { limitBytesTotal: Number(row["limit-bytes-total"]) } : {}),
    }));
  }

  async removeUsers(ids: readonly string[]): Promise<void> {
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += this.#removeBatchSize) {
      batches.push(ids.slice(i, i + this.#removeBatchSize));
    }
    await Promise.all(
      batches.map(async (batch) => {
        try {
          await this.#client.run("/ip/hotspot/user/remove", [`=.id=${batch.join(",")}`]);
        } catch (error) {
          if (!(error instanceof RouterOsTrapError && /no such item/i.test(error.routerMessage))) {
            throw error;
          }
          // One id of the batch is already gone (removed by hand, or by an
          // earlier attempt): remove the rest one by one, ignoring the gone.
          await Promise.all(
            batch.map((id) =>
              this.#client.run("/ip/hotspot/user/remove", [`=.id=${id}`]).catch((e: unknown) => {
                if (!(e instanceof RouterOsTrapError && /no such item/i.test(e.routerMessage)))
                  throw e;
              }),
            ),
          );
        }
      }),
    );
  }

  async removePurchaseUsers(purchaseTag: string): Promise<number> {
    const users = await this.findPurchaseUsers(purchaseTag);
    await this.removeUsers(users.map((user) => user.id));
    return users.length;
  }

  async listProfiles(): Promise<string[]> {
    const { rows } = await this.#client.run("/ip/hotspot/user/profile/print", ["=.proplist=name"]);
    return rows.map((row) => row.name ?? "").filter((name) => name !== "");
  }

  async checkConnection(): Promise<{ identity: string; version: string }> {
    const [identity, resource] = await Promise.all([
      this.#client.run("/system/identity/print"),
      this.#client.run("/system/resource/print", ["=.proplist=version"]),
    ]);
    return { identity: identity.rows[0]?.name ?? "", version: resource.rows[0]?.version ?? "" };
  }

  #email(purchaseTag: string): string {
    return `${purchaseTag}@${this.#domain}`;
  }

  #addWords(user: NewHotspotUser): string[] {
    const words = [
      `=name=${user.name}`,
      `=password=${user.password}`,
      `=profile=${user.profile}`,
      `=comment=${user.comment}`,
      `=email=${this.#email(user.purchaseTag)}`,
    ];
    if (user.limitUptime) words.push(`=limit-uptime=${user.limitUptime}`);
    if (user.limitBytesTotal) words.push(`=limit-bytes-total=${user.limitBytesTotal}`);
    return words;
  }
}
