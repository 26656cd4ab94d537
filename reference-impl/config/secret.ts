// A secret from a config (tunnel password, pre-shared key, login password). It prints as
// `********` everywhere (String(), JSON, console.log/util.inspect); code that really needs the
// value (the emulated router authenticating a peer) calls reveal().

const MASK = '********';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${MASK})`;
  }
}
