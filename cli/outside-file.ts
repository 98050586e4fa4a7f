import { readFileSync, statSync } from 'node:fs';

/** Why an outside file cannot be used, as the one line a command prints. */
export interface FileProblem {
  problem: string;
}

const REASONS: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (permission denied)',
  ELOOP: 'is a symbolic link loop',
  ENAMETOOLONG: 'is a name too long for the file system',
};

/**
 * The one way the CLI reads a file someone else wrote (a mapping, a checkpoint): its text, or a problem that
 * names the file and what is wrong with it, never an exception. A file larger than `maxBytes` is not read
 * (these files are small; a large one is the wrong file); a UTF-8 byte order mark, as Windows editors write
 * it, is dropped.
 */
export function readOutsideText(path: string, maxBytes: number): { text: string } | FileProblem {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { problem: `${path} is a directory, not a file` };
    if (!stat.isFile()) return { problem: `${path} is not a regular file` };
    if (stat.size > maxBytes) return { problem: `${path} is ${stat.size} bytes, more than ${maxBytes}` };
    return { text: readFileSync(path, 'utf8').replace(/^\uFEFF/, '') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return { problem: `${path} ${REASONS[code] ?? `cannot be read (${code || String(error)})`}` };
  }
}

/** The text parsed as JSON, or a problem naming the file. */
export function parseOutsideJson(path: string, text: string): { json: unknown } | FileProblem {
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { problem: `${path} is not valid JSON` };
  }
}
