import type { IncomingMessage } from "node:http";
import {
  type FakeAnswer,
  FakeHttpService,
  FaultScript,
  type RecordedCall,
  type TransportFault,
} from "./fake-http-service.js";

/** What a scripted `/send` failure looks like. */
export type FonnteFault =
  /** HTTP 200 with `status: false` and this `reason`; `key: "Status"` spells the flag as Fonnte sometimes does. */
  | { kind: "reason"; reason: string; key?: "status" | "Status" }
  /** Any HTTP status with a body. */
  | { kind: "http"; status: number; body?: unknown }
  | TransportFault;

export interface FakeFonnteServerOptions {
  /** The device token clients must send in `Authorization`. Default `fake-fonnte-token`. */
  token?: string;
  /** Milliseconds before each answer. Default 0. */
  latencyMs?: number;
}

/** A message the fake accepted. */
export interface FonnteSentMessage {
  target: string;
  message: string;
  inboxid?: string;
  /** Every field of the request. */
  body: Record<string, unknown>;
}

/**
 * Fonnte's `/send` on real HTTP: checks the token like Fonnte (HTTP 200,
 * `status: false`, `token invalid`), records what it accepted and answers with
 * Fonnte's success shape. `failNext` scripts failures, drops and stalls.
 */
export class FakeFonnteServer extends FakeHttpService {
  readonly token: string;
  readonly sent: FonnteSentMessage[] = [];
  readonly #faults = new FaultScript<FonnteFault>();
  #nextId = 1000;
  #requestId = 1;

  private constructor(options: FakeFonnteServerOptions) {
    super(options.latencyMs ?? 0);
    this.token = options.token ?? "fake-fonnte-token";
  }

  static start(options: FakeFonnteServerOptions = {}): Promise<FakeFonnteServer> {
    return new FakeFonnteServer(options).listen();
  }

  /** The next `times` sends fail with `fault`. */
  failNext(fault: FonnteFault, times = 1): void {
    this.#faults.add(fault, times);
  }

  /** Texts sent to `target`, in order. */
  messagesTo(target: string): string[] {
    return this.sent.filter((m) => m.target === target).map((m) => m.message);
  }

  protected answer(call: RecordedCall, raw: IncomingMessage): FakeAnswer | TransportFault {
    const requestid = this.#requestId++;
    if (call.method !== "POST" || call.path !== "/send") {
      return { status: 404, body: { status: false, reason: "not found", requestid } };
    }
    if (raw.headers.authorization !== this.token) {
      return { status: 200, body: { status: false, reason: "token invalid", requestid } };
    }
    const fault = this.#faults.take();
    if (fault) {
      if (fault.kind === "reason") {
        return {
          status: 200,
          body: { [fault.key ?? "status"]: false, reason: fault.reason, requestid },
        };
      }
      if (fault.kind === "http") return { status: fault.status, body: fault.body ?? "" };
      return fault;
    }
    const body = (call.body ?? {}) as Record<string, unknown>;
    if (typeof body.target !== "string" || body.target === "") {
      return { status: 200, body: { status: false, reason: "input invalid", requestid } };
    }
    const id = String(this.#nextId++);
    this.sent.push({
      target: body.target,
      message: typeof body.message === "string" ? body.message : "",
      ...(typeof body.inboxid === "string" ? { inboxid: body.inboxid } : {}),
      body,
    });
    return {
      status: 200,
      body: {
        detail: "success! message in queue",
        id: [id],
        process: "pending",
        requestid,
        status: true,
        target: [body.target],
      },
    };
  }
}
