import type { LogFile } from "./log-file.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface CliLoggerOptions {
  /** Where lines go when there is no terminal (and warnings/errors always). */
  write: (line: string) => void;
  /** A terminal shows a progress line instead of info lines. */
  interactive: boolean;
  verbose: boolean;
  file: LogFile | null;
  now: () => number;
}

/** `[timestamp] [level] message`, the one line format of the terminal-less output and the log file. */
export function formatLine(at: number, level: LogLevel, message: string): string {
  return `[${new Date(at).toISOString()}] [${level.toUpperCase()}] ${message}`;
}

export class CliLogger {
  readonly #options: CliLoggerOptions;

  constructor(options: CliLoggerOptions) {
    this.#options = options;
  }

  log(level: LogLevel, message: string): void {
    const { write, interactive, verbose, file, now } = this.#options;
    if (level === "debug" && !verbose) return;
    const line = formatLine(now(), level, message);
    file?.write(line);
    // On a terminal the progress line says what info lines would; problems are still shown.
    if (!interactive || level === "warn" || level === "error") write(line);
  }

  debug(message: string): void {
    this.log("debug", message);
  }
  info(message: string): void {
    this.log("info", message);
  }
  warn(message: string): void {
    this.log("warn", message);
  }
  error(message: string): void {
    this.log("error", message);
  }
}
