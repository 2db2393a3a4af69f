import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** How a fake answers one request instead of its normal answer. */
export type TransportFault =
  /** The connection is closed without an answer. */
  | { kind: "drop" }
  /** Headers are never sent; the request hangs until the client gives up (or the server closes). */
  | { kind: "stall" }
  /** Headers arrive, then the body stops halfway and never finishes. */
  | { kind: "stall-body" };

export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RecordedCall {
  method: string;
  path: string;
  /** Request headers, with credentials replaced by `[redacted]`. */
  headers: Record<string, string>;
  body: unknown;
}

const CREDENTIAL_HEADERS = new Set(["authorization", "x-goog-api-key", "x-api-key"]);

/**
 * The HTTP plumbing the fake services share: a real server on 127.0.0.1 and a
 * free port, a latency before every answer (real time, as the world has), and
 * faults that drop or stall a connection. Node only; no test framework.
 */
export abstract class FakeHttpService {
  readonly calls: RecordedCall[] = [];
  /** Milliseconds before each answer. */
  latencyMs: number;
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #url = "";

  protected constructor(latencyMs = 0) {
    this.latencyMs = latencyMs;
  }

  get url(): string {
    if (!this.#server) throw new Error("The fake server is not listening: await its start() first");
    return this.#url;
  }

  /** Answers a recorded request; a fault makes the transport misbehave instead. */
  protected abstract answer(call: RecordedCall, raw: IncomingMessage): FakeAnswer | TransportFault;

  async listen(): Promise<this> {
    const server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.#server = server;
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: kept as text so a test can see what was sent.
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") {
        headers[name] = CREDENTIAL_HEADERS.has(name) ? "[redacted]" : value;
      }
    }
    const call: RecordedCall = { method: req.method ?? "GET", path: req.url ?? "/", headers, body };
    this.calls.push(call);
    const outcome = this.answer(call, req);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if ("kind" in outcome) {
      if (outcome.kind === "drop") req.socket.destroy();
      if (outcome.kind === "stall-body") {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"partial":');
      }
      return;
    }
    res.writeHead(outcome.status, { "content-type": "application/json", ...outcome.headers });
    res.end(outcome.body === undefined ? "" : JSON.stringify(outcome.body));
  }
}

/** A queue of scripted answers: each `failNext` entry is used `times` times, first in first out. */
export class FaultScript<F> {
  #entries: { fault: F; left: number }[] = [];

  add(fault: F, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new Error("times must be a positive integer");
    this.#entries.push({ fault, left: times });
  }

  /** The next scripted fault, or undefined when the script is empty. */
  take(): F | undefined {
    const entry = this.#entries[0];
    if (!entry) return undefined;
    entry.left--;
    if (entry.left === 0) this.#entries.shift();
    return entry.fault;
  }

  clear(): void {
    this.#entries = [];
  }
}
