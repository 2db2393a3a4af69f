import { LunasError } from "@lunas/core";

/** The router has no hotspot user profile of this name. */
export class HotspotProfileNotFoundError extends LunasError {
  readonly profile: string;

  constructor(profile: string) {
    super(
      "HOTSPOT_PROFILE_NOT_FOUND",
      `The router has no hotspot user profile ${JSON.stringify(profile)}: create it (IP → Hotspot → User Profiles) or pick one listProfiles() returns.`,
    );
    this.profile = profile;
  }
}
