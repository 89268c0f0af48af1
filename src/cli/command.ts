// One CLI sub-command. Each lives in its own file under commands/ and is listed once in main.ts.
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface Command {
  name: string;
  /** One-line usage, shown by `nar-lens help`. */
  usage: string;
  summary: string;
  /** Returns the exit code: 0 ok, 1 invalid or unsupported input (message already written to stderr), 2 usage. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown for bad command-line usage; main.ts prints the message with the command's usage and exits 2. */
export class UsageError extends Error {}
