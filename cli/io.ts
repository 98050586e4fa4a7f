/** What a CLI command reads and writes, so tests run commands in-process with real streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the command should stop (long-running commands only). */
  stopSignal?: Promise<void>;
}

export function writeLine(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}

export class UsageError extends Error {}
