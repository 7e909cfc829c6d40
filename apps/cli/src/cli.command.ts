/** A batch command: parses its own options (node:util parseArgs) and returns the exit code. */
export interface CliCommand {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}
