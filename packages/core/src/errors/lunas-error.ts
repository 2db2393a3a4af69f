// A package installed once can still be loaded twice: its ESM and CJS builds
// are separate module copies (an app that imports one and a dependency that
// requires the other), and each copy defines its own classes, so a plain
// `instanceof` fails across them. Every Lunas error records the names of its
// class chain under a registry symbol (shared by all copies), and
// `Symbol.hasInstance` accepts an error whose chain names the class tested.
const CLASS_CHAIN = Symbol.for("@lunas/core:error-class-chain");

function classChainOf(leaf: abstract new (...args: never[]) => unknown): readonly string[] {
  const names: string[] = [];
  for (let current: unknown = leaf; typeof current === "function" && current !== Error; ) {
    names.push((current as { name: string }).name);
    current = Object.getPrototypeOf(current);
  }
  return names;
}

/**
 * Base class of every error Lunas throws on purpose. `code` is stable across
 * releases, so callers branch on it instead of parsing messages.
 *
 * `instanceof` works across the ESM and CJS copies of a package: an error is an
 * instance of a Lunas error class when its class or one of its ancestors has
 * that class's name (Lunas error class names are unique across the packages).
 */
export class LunasError extends Error {
  readonly code: string;
  declare readonly [CLASS_CHAIN]: readonly string[];

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, CLASS_CHAIN, { value: classChainOf(new.target) });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of `instanceof`, a subclass as often as not.
    // biome-ignore lint/complexity/noThisInStatic: the tested class, not LunasError
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const chain =
      typeof value === "object" && value !== null
        ? (value as { [CLASS_CHAIN]?: unknown })[CLASS_CHAIN]
        : undefined;
    // biome-ignore lint/complexity/noThisInStatic: the tested class, not LunasError
    return Array.isArray(chain) && chain.includes(this.name);
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
