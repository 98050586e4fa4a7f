import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file operations a key file is written with, each durable when it returns (tests put failures in them). */
export interface KeyFileOps {
  /** Writes the file (0600) and syncs it to disk. */
  writeSynced(file: string, text: string): void;
  /** Renames within a directory, then syncs the directory so the rename survives a power loss. */
  renameSynced(from: string, to: string): void;
}

export const FILE_OPS: KeyFileOps = {
  writeSynced(file, text) {
    const fd = openSync(file, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  renameSynced(from, to) {
    renameSync(from, to);
    const dir = openSync(dirname(to), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  },
};
