import { LunasError } from "@lunas/core";

/** Base of every error the RouterOS API client throws; `code` tells which. */
export class RouterOsError extends LunasError {}

/**
 * The router answered `!trap`: it understood the command and refused it
 * (duplicate name, unknown profile, ...). The connection stays usable.
 */
export class RouterOsTrapError extends RouterOsError {
  /** RouterOS's trap category (0 missing item, 1 argument value, 2 interrupted, ...), when it sent one. */
  readonly category: number | undefined;
  /** The router's own message, e.g. `failure: already have user with this name for this server`. */
  readonly routerMessage: string;
  readonly command: string;

  constructor(command: string, routerMessage: string, category: number | undefined) {
    super(
      "ROUTEROS_TRAP",
      `RouterOS refused ${command}: ${routerMessage}${category === undefined ? "" : ` (category ${category})`}`,
    );
    this.command = command;
    this.routerMessage = routerMessage;
    this.category = category;
  }
}

/** The router sent `!fatal` and closed the connection (session terminated, too many sessions, ...). */
export class RouterOsFatalError extends RouterOsError {
  constructor(routerMessage: string) {
    super(
      "ROUTEROS_FATAL",
      `RouterOS ended the API session: ${routerMessage}. The next command reconnects.`,
    );
  }
}

/** A command got no `!done` within its timeout. The connection was closed, as it may be stalled. */
export class RouterOsTimeoutError extends RouterOsError {
  constructor(command: string, timeoutMs: number) {
    super(
      "ROUTEROS_TIMEOUT",
      `RouterOS did not finish ${command} within ${timeoutMs} ms; the connection was closed and the next command reconnects. Whether the command took effect is unknown: read back before repeating it.`,
    );
  }
}

/** Connecting failed, or the connection dropped before the command finished. */
export class RouterOsConnectionError extends RouterOsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ROUTEROS_CONNECTION", message, options);
  }
}

/** The router refused the API user's name or password. */
export class RouterOsLoginError extends RouterOsError {
  constructor(user: string, routerMessage: string) {
    super(
      "ROUTEROS_LOGIN_FAILED",
      `RouterOS refused the API login of ${JSON.stringify(user)}: ${routerMessage}. Check the user, its password and that its group has the api policy.`,
    );
  }
}

/** The bytes on the wire were not the RouterOS API protocol. The connection was closed. */
export class RouterOsProtocolError extends RouterOsError {
  constructor(message: string) {
    super("ROUTEROS_PROTOCOL", message);
  }
}

/** `close()` was called; the client takes no more commands. */
export class RouterOsClosedError extends RouterOsError {
  constructor() {
    super("ROUTEROS_CLOSED", "The RouterOS client was closed; create a new one to send commands.");
  }
}
