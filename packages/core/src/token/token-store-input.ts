import { storableText } from "../input/storable-text.js";

// What the token provider accepts before it calls a store, so every adapter is
// given values every backend can keep and none has to check them again.
export const tokenKeySchema = storableText(512);
/** A provider's `holderId`; its leases are named `<holderId>/<n>`, which a store's 320-character holder column leaves room for. */
export const leaseHolderSchema = storableText(256);
export const tokenValueSchema = storableText();
