/**
 * Base class of every error Lunas throws on purpose. `code` is stable across
 * releases, so callers branch on it instead of parsing messages.
 */
export class LunasError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A caller passed something a public function cannot use. Nothing was written. */
export class InvalidArgumentError extends LunasError {
  /** Field-level problems, as `path: message` strings. */
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = [], options?: { cause?: unknown }) {
    super(
      "INVALID_ARGUMENT",
      issues.length > 0 ? `${message}: ${issues.join("; ")}` : message,
      options,
    );
    this.issues = issues;
  }
}
