import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Clock, LunasError, parseInput, systemClock } from "@lunas/core";
import { clockSchema } from "@lunas/core/validation";
import { z } from "zod";
import { MemorySessionStore, type SessionSnapshot } from "./memory-session-store.js";
import { chatMessageSchema } from "./session-input.js";

/** The snapshot file exists but is not a session snapshot (or cannot be read). */
export class SessionSnapshotError extends LunasError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("SESSION_SNAPSHOT_UNREADABLE", message, options);
  }
}

export interface SessionSnapshotFileOptions {
  store: MemorySessionStore;
  /** Where the snapshot lives. Written as `<path>.<random>.tmp`, then renamed over it. */
  path: string;
  /** Writes a snapshot this often (ms). 0: only on `stop()`. Default 60 s. */
  intervalMs?: number;
  clock?: Clock;
  /** Called when a periodic write fails (the next interval tries again). */
  onError?: (error: unknown) => void;
}

const optionsSchema = z.strictObject({
  store: z.instanceof(MemorySessionStore, { message: "must be a MemorySessionStore" }),
  path: z.string().min(1),
  intervalMs: z.number().int().min(0).default(60_000),
  clock: clockSchema.default(() => systemClock),
  onError: z.custom<(error: unknown) => void>((v) => typeof v === "function").optional(),
});

const snapshotSchema = z.strictObject({
  version: z.literal(1),
  takenAt: z.number(),
  sessions: z.array(
    z.strictObject({
      key: z.string(),
      updatedAt: z.number(),
      messages: z.array(chatMessageSchema),
    }),
  ),
});

/**
 * Keeps a `MemorySessionStore` across restarts in one JSON file: `start()` loads
 * it, then writes it every `intervalMs`; `stop()` writes it a last time (call it
 * on SIGTERM). Each write goes to a temporary file that is flushed to disk and
 * renamed over the old one, so a crash mid-write leaves the previous snapshot,
 * never half a file. Node only (`@lunas/fonnte-ai/node`).
 */
export class SessionSnapshotFile {
  readonly #store: MemorySessionStore;
  readonly #path: string;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: SessionSnapshotFileOptions) {
    const parsed = parseInput(optionsSchema, options, "SessionSnapshotFile options");
    this.#store = parsed.store;
    this.#path = parsed.path;
    this.#intervalMs = parsed.intervalMs;
    this.#clock = parsed.clock;
    this.#onError = parsed.onError ?? (() => {});
  }

  /** Loads the file (a missing file is an empty start) and starts the periodic writes; returns how many sessions were restored. */
  async start(): Promise<number> {
    const restored = await this.load();
    if (this.#intervalMs > 0 && !this.#timer) {
      this.#timer = setInterval(() => {
        this.write().catch(this.#onError);
      }, this.#intervalMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
    return restored;
  }

  /** Stops the periodic writes and writes the final snapshot. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.write();
  }

  async load(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.#path, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return 0;
      throw new SessionSnapshotError(`Cannot read the session snapshot ${this.#path}`, {
        cause: error,
      });
    }
    let snapshot: SessionSnapshot;
    try {
      snapshot = snapshotSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new SessionSnapshotError(
        `${this.#path} is not a session snapshot; move it away to start empty`,
        { cause: error },
      );
    }
    return this.#store.restore(snapshot, this.#clock.now());
  }

  /** Writes a snapshot now. Writes never overlap: a call waits for the one before. */
  write(): Promise<void> {
    const next = this.#writing.catch(() => {}).then(() => this.#writeOnce());
    this.#writing = next;
    return next;
  }

  async #writeOnce(): Promise<void> {
    // Taken synchronously: one consistent moment of every session.
    const json = JSON.stringify(this.#store.snapshot(this.#clock.now()));
    const temporary = join(
      dirname(this.#path),
      `.${basename(this.#path)}.${crypto.randomUUID()}.tmp`,
    );
    const file = await open(temporary, "w", 0o600);
    try {
      await file.writeFile(json, "utf8");
      await file.sync();
    } catch (error) {
      await file.close().catch(() => {});
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await file.close();
    try {
      await rename(temporary, this.#path);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
  }
}
