// The contract every `hapair <command>` module fulfils.

/** A command's entry point: receives the arguments after the command name, resolves with the exit code. */
export type CommandMain = (argv: string[]) => Promise<number>;

export interface CommandSpec {
  readonly name: string;
  /** One line shown by `hapair --help`. */
  readonly summary: string;
  /** Lazy import so `hapair check` never loads raw-socket, nodemailer, etc. */
  readonly load: () => Promise<{ main: CommandMain; usage: string }>;
}
