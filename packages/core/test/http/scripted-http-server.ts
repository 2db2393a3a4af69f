import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** What the server does with one request: answer, answer late, stall, drop. */
export type Script = (request: ReceivedRequest, res: ServerResponse) => void;

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Script =>
  (_request, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

export const text =
  (status: number, body: string): Script =>
  (_request, res) => {
    res.writeHead(status, { "content-type": "text/html" });
    res.end(body);
  };

/** Never answers; the connection stays open until the client gives up or the server closes. */
export const hang: Script = () => {};

/** Sends the headers and part of the body, then nothing more. */
export const stallMidBody =
  (status = 200): Script =>
  (_request, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.write('{"partial":');
  };

/** Closes the connection without an answer. */
export const drop: Script = (_request, res) => {
  res.socket?.destroy();
};

/** Sends the headers and part of the body, then closes the connection. */
export const dropMidBody: Script = (_request, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.write('{"partial":', () => res.socket?.destroy());
};

/** Answers after a real delay, as a slow provider does. */
export const after =
  (ms: number, script: Script): Script =>
  (request, res) => {
    setTimeout(() => script(request, res), ms);
  };

/**
 * A real HTTP server on 127.0.0.1 that plays one script per request, in
 * order (the last one repeats), and records what it received. `arrived(n)`
 * resolves once the n-th request is in, so a test can move its clock exactly
 * then instead of guessing with a sleep.
 */
export class ScriptedHttpServer {
  readonly requests: ReceivedRequest[] = [];
  /** Requests whose connection closed before the server answered in full. */
  cutShort = 0;
  #scripts: Script[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];
  #cutWaiters: { count: number; resolve: () => void }[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(...scripts: Script[]): Promise<ScriptedHttpServer> {
    const server = createServer();
    const scripted = new ScriptedHttpServer(server);
    scripted.#scripts = scripts;
    server.on("request", (req, res) => scripted.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return scripted;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  play(...scripts: Script[]): void {
    this.#scripts = scripts;
  }

  arrived(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Resolves once `count` answers were cut short (the client closed the connection mid-answer). */
  cut(count: number): Promise<void> {
    if (this.cutShort >= count) return Promise.resolve();
    return new Promise((resolve) => this.#cutWaiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const script =
        this.#scripts[Math.min(this.requests.length, this.#scripts.length - 1)] ?? drop;
      this.requests.push(request);
      res.on("close", () => {
        if (res.writableFinished) return;
        this.cutShort += 1;
        for (const waiter of this.#cutWaiters.filter((w) => w.count <= this.cutShort))
          waiter.resolve();
        this.#cutWaiters = this.#cutWaiters.filter((w) => w.count > this.cutShort);
      });
      script(request, res);
      for (const waiter of this.#waiters.filter((w) => w.count <= this.requests.length))
        waiter.resolve();
      this.#waiters = this.#waiters.filter((w) => w.count > this.requests.length);
    });
  }
}
