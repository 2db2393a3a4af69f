import { closeSync, openSync, writeSync } from "node:fs";

/**
 * An append-only log file that logrotate can move away: every line is one
 * `write` on a descriptor opened with O_APPEND, and `reopen()` (wired to
 * SIGHUP) starts writing to a fresh file at the same path.
 */
export class LogFile {
  readonly #path: string;
  #fd: number;

  constructor(path: string) {
    this.#path = path;
    this.#fd = openSync(path, "a");
  }

  write(line: string): void {
    writeSync(this.#fd, `${line}\n`);
  }

  reopen(): void {
    const previous = this.#fd;
    this.#fd = openSync(this.#path, "a");
    closeSync(previous);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
