import { readFile } from 'node:fs/promises';

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

/** A JSON file's content; a UsageError saying why when it cannot be read or is not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
}
