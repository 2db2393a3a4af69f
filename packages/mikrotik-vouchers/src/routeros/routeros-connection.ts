import type { Socket } from "node:net";
import { encodeSentence, readAttributes, SentenceReader } from "./api-words.js";
import {
  RouterOsConnectionError,
  type RouterOsError,
  RouterOsFatalError,
  RouterOsProtocolError,
  RouterOsTrapError,
} from "./routeros-errors.js";

/** What a finished command answered. Every value is the router's string, never converted. */
export interface RouterOsReply {
  /** The attributes of each `!re` sentence, in order. */
  rows: Record<string, string>[];
  /** `=ret=` of the `!done` sentence (the id of an added item, a login challenge, ...). */
  ret: string | undefined;
  /** The router said `!empty` (RouterOS ≥ 7.18 when a print matches nothing). */
  empty: boolean;
}

interface Pending {
  command: string;
  rows: Record<string, string>[];
  empty: boolean;
  trap: RouterOsTrapError | undefined;
  resolve(reply: RouterOsReply): void;
  reject(error: RouterOsError): void;
}

/**
 * One socket speaking the API: sends tagged sentences and routes the replies
 * back by `.tag`. Everything that can go wrong on the socket (an `error`
 * event, garbage bytes, `!fatal`, the peer closing) ends here in `fail`, which
 * rejects what is pending; nothing is thrown out of a socket handler.
 */
export class RouterOsConnection {
  readonly #socket: Socket;
  readonly #describe: string;
  readonly #reader = new SentenceReader();
  readonly #pending = new Map<string, Pending>();
  #failure: RouterOsError | undefined;
  #socketError: Error | undefined;
  #onClose: () => void = () => {};

  constructor(socket: Socket, describe: string) {
    this.#socket = socket;
    this.#describe = describe;
    socket.setNoDelay(true);
    socket.on("error", (error) => {
      this.#socketError = error;
    });
    socket.on("close", () => {
      const detail = this.#socketError ? `: ${this.#socketError.message}` : "";
      this.fail(
        new RouterOsConnectionError(
          `The connection to RouterOS at ${this.#describe} closed before the command finished${detail}; the next command reconnects.`,
          { cause: this.#socketError },
        ),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const sentence of this.#reader.push(chunk)) this.#dispatch(sentence);
      } catch (error) {
        this.fail(
          error instanceof RouterOsProtocolError
            ? error
            : new RouterOsProtocolError(`Unreadable reply: ${(error as Error).message}`),
        );
      }
    });
  }

  get alive(): boolean {
    return this.#failure === undefined;
  }

  /** Why the connection ended, once it has. */
  get failure(): RouterOsError | undefined {
    return this.#failure;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Called once, after the connection failed or closed. */
  onClose(listener: () => void): void {
    this.#onClose = listener;
  }

  cork(): void {
    this.#socket.cork();
  }

  uncork(): void {
    this.#socket.uncork();
  }

  /** Sends `command` with `words` under `tag`; settles on the tag's `!done` (or the connection's end). */
  send(
    tag: string,
    command: string,
    words: readonly string[],
    resolve: (reply: RouterOsReply) => void,
    reject: (error: RouterOsError) => void,
  ): void {
    if (this.#failure) {
      reject(this.#failure);
      return;
    }
    this.#pending.set(tag, { command, rows: [], empty: false, trap: undefined, resolve, reject });
    this.#socket.write(encodeSentence([command, ...words, `.tag=${tag}`]));
  }

  /** Rejects everything pending with `error` and closes the socket. Idempotent. */
  fail(error: RouterOsError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#socket.destroy();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) entry.reject(error);
    this.#onClose();
  }

  #dispatch(sentence: string[]): void {
    const [reply, ...words] = sentence;
    if (reply === "!fatal") {
      // The message of !fatal is a bare word, not an attribute; the router closes the socket next.
      const message = words.filter((word) => !word.startsWith(".tag=")).join(" ") || "no reason";
      this.fail(new RouterOsFatalError(message));
      return;
    }
    const tag = words.find((word) => word.startsWith(".tag="))?.slice(5);
    const pending = tag === undefined ? undefined : this.#pending.get(tag);
    // Untagged or unknown-tag sentences belong to no command of ours; nothing waits for them.
    if (!pending || tag === undefined) return;
    switch (reply) {
      case "!re":
        pending.rows.push(readAttributes(words));
        return;
      case "!empty":
        pending.empty = true;
        return;
      case "!trap": {
        const attributes = readAttributes(words);
        const category =
          attributes.category === undefined ? undefined : Number(attributes.category);
        pending.trap ??= new RouterOsTrapError(
          pending.command,
          attributes.message ?? "no message",
          Number.isInteger(category) ? category : undefined,
        );
        return;
      }
      case "!done":
        this.#pending.delete(tag);
        if (pending.trap) pending.reject(pending.trap);
        else
          pending.resolve({
            rows: pending.rows,
            ret: readAttributes(words).ret,
            empty: pending.empty,
          });
        return;
      default:
        this.#pending.delete(tag);
        pending.reject(
          new RouterOsProtocolError(
            `RouterOS answered ${pending.command} with unknown reply ${reply}`,
          ),
        );
    }
  }
}
