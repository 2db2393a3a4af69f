import { createHash, randomBytes } from "node:crypto";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { parseInput } from "@lunas/core";
import { z } from "zod";
import { encodeSentence, readAttributes, SentenceReader } from "../routeros/api-words.js";

const pem = z.union([z.string().min(1), z.instanceof(Buffer)]);
const optionsSchema = z.strictObject({
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  login: z.enum(["plain", "challenge"]).optional(),
  emptyReplies: z.boolean().optional(),
  profiles: z.array(z.string().min(1)).optional(),
  latencyMs: z.number().int().min(0).optional(),
  tls: z.strictObject({ key: pem, cert: pem }).optional(),
  version: z.string().min(1).optional(),
});

/** A hotspot user as the fake router keeps it: every value a string, as on the wire. */
export type FakeHotspotUser = { ".id": string; name: string } & Record<string, string>;

export interface FakeRouterOsServerOptions {
  /** API user. Default `admin`. */
  user?: string;
  /** Default empty, as on a new router. */
  password?: string;
  /** `plain`: RouterOS ≥ 6.43 (name and password in one `/login`). `challenge`: the legacy MD5 challenge. Default `plain`. */
  login?: "plain" | "challenge";
  /** Answer a print that matches nothing with `!empty` (RouterOS ≥ 7.18). Default true. */
  emptyReplies?: boolean;
  /** Hotspot user profiles. Default `["default"]`. */
  profiles?: string[];
  /** Added before each command's answer is sent (real time: this is the network). Default 0. */
  latencyMs?: number;
  /** Serve TLS (the `api-ssl` service) with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** RouterOS version reported by `/system/resource/print`. Default `7.18.2`. */
  version?: string;
}

/** A trap to answer instead of running a command. */
export interface InjectedTrap {
  message: string;
  category?: number;
}

interface Session {
  socket: Socket;
  loggedIn: boolean;
  challenge: Buffer | undefined;
  unanswered: number;
}

/**
 * A RouterOS API server over real TCP (or TLS) for tests: the real wire
 * protocol, both logins, `.tag`, `!re`/`!done`/`!trap`/`!empty`/`!fatal`,
 * `?` queries and `.proplist` on print, `/ip/hotspot/user` and its profiles,
 * with latency, traps, stalls, dropped connections and outages on demand.
 */
export class FakeRouterOsServer {
  readonly host = "127.0.0.1";
  /** Every command received after login, in order: the command path and its words. */
  readonly commands: { command: string; words: string[] }[] = [];
  /** The most commands one connection had waiting for an answer at once. */
  maxInFlightSeen = 0;
  /** TCP connections accepted (refused ones while down included). */
  connections = 0;
  latencyMs: number;
  emptyReplies: boolean;
  readonly profiles: Set<string>;

  readonly #server: Server;
  readonly #options: Required<Omit<FakeRouterOsServerOptions, "tls">>;
  readonly #sessions = new Set<Session>();
  readonly #users = new Map<string, FakeHotspotUser>();
  /** Every name in use, to answer duplicates without scanning (1,000-user batches). */
  readonly #names = new Set<string>();
  #nextId = 1;
  #port = 0;
  #traps: { command: string; trap: InjectedTrap; times: number }[] = [];
  #stalled = false;
  #down = false;
  #dropAfter: { command: string | undefined; remaining: number } | undefined;
  #fatalNext: string | undefined;

  private constructor(options: FakeRouterOsServerOptions) {
    this.#options = {
      user: options.user ?? "admin",
      password: options.password ?? "",
      login: options.login ?? "plain",
      emptyReplies: options.emptyReplies ?? true,
      profiles: options.profiles ?? ["default"],
      latencyMs: options.latencyMs ?? 0,
      version: options.version ?? "7.18.2",
    };
    this.latencyMs = this.#options.latencyMs;
    this.emptyReplies = this.#options.emptyReplies;
    this.profiles = new Set(this.#options.profiles);
    const onSocket = (socket: Socket) => this.#accept(socket);
    this.#server = options.tls
      ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, onSocket)
      : createTcpServer(onSocket);
    // A client that goes away mid-handshake must not take the fake down with it.
    this.#server.on("tlsClientError", () => {});
  }

  /** Starts listening on a free port of 127.0.0.1. */
  static async start(options: FakeRouterOsServerOptions = {}): Promise<FakeRouterOsServer> {
    const server = new FakeRouterOsServer(
      parseInput(optionsSchema, options, "FakeRouterOsServer options") as FakeRouterOsServerOptions,
    );
    await new Promise<void>((resolve, reject) => {
      server.#server.once("error", reject);
      server.#server.listen(0, server.host, () => resolve());
    });
    server.#port = (server.#server.address() as { port: number }).port;
    return server;
  }

  get port(): number {
    return this.#port;
  }

  /** A copy of the hotspot users, in creation order. */
  users(): FakeHotspotUser[] {
    return [...this.#users.values()].map((user) => ({ ...user }));
  }

  /** Puts a user on the router directly, as another tool (Winbox, Mikhmon) would. */
  addUser(fields: { name: string } & Record<string, string>): FakeHotspotUser {
    const user = {
      profile: "default",
      ...fields,
      ".id": `*${(this.#nextId++).toString(16).toUpperCase()}`,
    };
    this.#names.add(fields.name);
    this.#users.set(user[".id"], user as FakeHotspotUser);
    return { ...user } as FakeHotspotUser;
  }

  /**
   * What Mikhmon's `on-login` script does on a user's first login: when the
   * comment starts with `vc` or `up`, or is empty, it is replaced by the
   * expiry date (`jan/31/2026 10:00:00`).
   */
  simulateMikhmonFirstLogin(name: string, expiry = "jan/31/2026 10:00:00"): void {
    for (const user of this.#users.values()) {
      if (user.name !== name) continue;
      const comment = user.comment ?? "";
      const start = comment.slice(0, 2);
      if (start === "vc" || start === "up" || comment === "") user.comment = expiry;
    }
  }

  /** Answers the next `times` runs of `command` with `!trap` instead of running them. */
  failNext(command: string, trap: InjectedTrap, times = 1): void {
    this.#traps.push({ command, trap, times });
  }

  /** Stops answering: commands are read and never answered, until `resume()`. */
  stall(): void {
    this.#stalled = true;
  }

  resume(): void {
    this.#stalled = false;
  }

  /**
   * Runs `count` more commands (only those with path `command`, when given),
   * then closes the connection on the next one, unanswered and not run: a
   * crash or a dropped link in the middle of a batch.
   */
  dropAfter(count: number, command?: string): void {
    this.#dropAfter = { command, remaining: count };
  }

  /** Answers the next command with `!fatal` and closes the connection, as RouterOS does. */
  fatalNext(message = "session terminated on request"): void {
    this.#fatalNext = message;
  }

  /** Closes every open connection now. */
  dropConnections(): void {
    for (const session of this.#sessions) session.socket.destroy();
  }

  /** While down, connections are accepted and closed at once (the router rebooting, the API service off). */
  setDown(down: boolean): void {
    this.#down = down;
    if (down) this.dropConnections();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.connections++;
    socket.on("error", () => {});
    // Latency is what `latencyMs` says, not Nagle's algorithm meeting delayed ACKs.
    socket.setNoDelay(true);
    if (this.#down) {
      socket.destroy();
      return;
    }
    const session: Session = { socket, loggedIn: false, challenge: undefined, unanswered: 0 };
    this.#sessions.add(session);
    socket.on("close", () => this.#sessions.delete(session));
    const reader = new SentenceReader();
    socket.on("data", (chunk: Buffer) => {
      let sentences: string[][];
      try {
        sentences = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const sentence of sentences) {
        if (socket.destroyed) return;
        this.#receive(session, sentence);
      }
    });
  }

  #receive(session: Session, sentence: string[]): void {
    const [command = "", ...rest] = sentence;
    if (command === "") return;
    const tagWord = rest.find((word) => word.startsWith(".tag="));
    const words = rest.filter((word) => !word.startsWith(".tag="));
    if (command !== "/login" && session.loggedIn) {
      if (this.#fatalNext !== undefined) {
        const message = this.#fatalNext;
        this.#fatalNext = undefined;
        session.socket.end(encodeSentence(["!fatal", message]));
        return;
      }
      const drop = this.#dropAfter;
      if (drop && (drop.command === undefined || drop.command === command)) {
        if (drop.remaining === 0) {
          this.#dropAfter = undefined;
          session.socket.destroy();
          return;
        }
        drop.remaining--;
      }
      this.commands.push({ command, words });
    }
    if (this.#stalled) return;
    session.unanswered++;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, session.unanswered);
    // The router acts when the command arrives; the latency is the answer's way
    // back, so a drop before it arrives leaves the effect without its reply.
    const replies = this.#run(session, command, words);
    const tag = tagWord ? [tagWord] : [];
    const answer = () => {
      session.unanswered--;
      if (session.socket.destroyed || this.#stalled) return;
      session.socket.write(
        Buffer.concat(replies.map((reply) => encodeSentence([...reply, ...tag]))),
      );
    };
    if (this.latencyMs > 0) setTimeout(answer, this.latencyMs);
    else answer();
  }

  #run(session: Session, command: string, words: string[]): string[][] {
    const attributes = readAttributes(words);
    if (command === "/login") return this.#login(session, attributes);
    if (!session.loggedIn) return trap({ message: "not logged in", category: 0 });
    const injected = this.#traps.find((entry) => entry.command === command && entry.times > 0);
    if (injected) {
      injected.times--;
      return trap(injected.trap);
    }
    switch (command) {
      case "/ip/hotspot/user/add":
        return this.#addUser(attributes);
      case "/ip/hotspot/user/print":
        return this.#print([...this.#users.values()], words);
      case "/ip/hotspot/user/remove":
        return this.#removeUsers(attributes[".id"] ?? "");
      case "/ip/hotspot/user/set":
        return this.#setUser(attributes);
      case "/ip/hotspot/user/profile/print":
        return this.#print(
          [...this.profiles].map((name, i) => ({ ".id": `*${i + 1}`, name })),
          words,
        );
      case "/system/identity/print":
        return [["!re", "=name=FakeRouter"], ["!done"]];
      case "/system/resource/print":
        return [
          ["!re", `=version=${this.#options.version} (stable)`, "=board-name=CHR"],
          ["!done"],
        ];
      default:
        return trap({ message: "no such command prefix", category: 0 });
    }
  }

  #login(session: Session, attributes: Record<string, string>): string[][] {
    const { user, password } = this.#options;
    const refused = trap({ message: "invalid user name or password (6)" });
    if (this.#options.login === "plain") {
      if (attributes.name !== user || attributes.password !== password) return refused;
      session.loggedIn = true;
      return [["!done"]];
    }
    if (attributes.response === undefined) {
      session.challenge = randomBytes(16);
      return [["!done", `=ret=${session.challenge.toString("hex")}`]];
    }
    const expected = `00${createHash("md5")
      .update(Buffer.from([0]))
      .update(Buffer.from(password, "utf8"))
      .update(session.challenge ?? Buffer.alloc(0))
      .digest("hex")}`;
    if (attributes.name !== user || attributes.response !== expected) return refused;
    session.loggedIn = true;
    return [["!done"]];
  }

  #addUser(attributes: Record<string, string>): string[][] {
    const name = attributes.name;
    if (!name) return trap({ message: "failure: name must be set" });
    const profile = attributes.profile ?? "default";
    if (!this.profiles.has(profile)) {
      return trap({ message: "input does not match any value of profile", category: 1 });
    }
    if (this.#names.has(name)) {
      return trap({ message: "failure: already have user with this name for this server" });
    }
    this.#names.add(name);
    const id = `*${(this.#nextId++).toString(16).toUpperCase()}`;
    this.#users.set(id, {
      server: "all",
      uptime: "0s",
      disabled: "false",
      ...attributes,
      profile,
      ".id": id,
      name,
    });
    return [["!done", `=ret=${id}`]];
  }

  #removeUsers(ids: string): string[][] {
    const list = ids.split(",").filter((id) => id !== "");
    if (list.length === 0 || list.some((id) => !this.#users.has(id))) {
      return trap({ message: "no such item", category: 0 });
    }
    for (const id of list) {
      this.#names.delete(this.#users.get(id)!.name);
      this.#users.delete(id);
    }
    return [["!done"]];
  }

  #setUser(attributes: Record<string, string>): string[][] {
    const user = this.#users.get(attributes[".id"] ?? "");
    if (!user) return trap({ message: "no such item", category: 0 });
    if (attributes.name !== undefined && attributes.name !== user.name) {
      if (this.#names.has(attributes.name)) {
        return trap({ message: "failure: already have user with this name for this server" });
      }
      this.#names.delete(user.name);
      this.#names.add(attributes.name);
    }
    for (const [key, value] of Object.entries(attributes)) if (key !== ".id") user[key] = value;
    return [["!done"]];
  }

  #print(items: Record<string, string>[], words: string[]): string[][] {
    const queries = words.filter((word) => word.startsWith("?"));
    const proplist = readAttributes(words)[".proplist"]?.split(",");
    const rows = items
      .filter((item) => matches(item, queries))
      .map((item) => {
        const keys = proplist ?? Object.keys(item);
        return ["!re", ...keys.filter((key) => key in item).map((key) => `=${key}=${item[key]}`)];
      });
    if (rows.length === 0 && this.emptyReplies) return [["!empty"], ["!done"]];
    return [...rows, ["!done"]];
  }
}

function trap(trap: InjectedTrap): string[][] {
  const words = ["!trap", `=message=${trap.message}`];
  if (trap.category !== undefined) words.push(`=category=${trap.category}`);
  return [words, ["!done"]];
}

/**
 * RouterOS's query stack: each `?` word pushes a result; `?#` words combine
 * them (`|` or, `&` and, `!` not); the item matches when every value left is true.
 */
function matches(item: Record<string, string>, queries: string[]): boolean {
  const stack: boolean[] = [];
  for (const query of queries) {
    const body = query.slice(1);
    if (body.startsWith("#")) {
      for (const op of body.slice(1)) {
        if (op === "!") stack.push(!stack.pop());
        else if (op === "|" || op === "&") {
          const b = stack.pop() ?? false;
          const a = stack.pop() ?? false;
          stack.push(op === "|" ? a || b : a && b);
        }
      }
      continue;
    }
    if (body.startsWith("-")) {
      stack.push(!(body.slice(1) in item));
      continue;
    }
    const operator = body[0] === "<" || body[0] === ">" ? body[0] : "";
    const expression = operator ? body.slice(1) : body.startsWith("=") ? body.slice(1) : body;
    const split = expression.indexOf("=");
    if (split === -1) {
      stack.push(expression in item);
      continue;
    }
    const key = expression.slice(0, split);
    const value = expression.slice(split + 1);
    const actual = item[key];
    if (operator === "<") stack.push(actual !== undefined && actual < value);
    else if (operator === ">") stack.push(actual !== undefined && actual > value);
    else stack.push(actual === value);
  }
  return stack.every(Boolean);
}
