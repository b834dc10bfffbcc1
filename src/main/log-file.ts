// The application log on disk: journaux/guichet.log in the data folder, rotated by size so that
// a counter that runs for years never fills its disk with it. When the file would pass
// `maxBytes`, it becomes guichet.log.1, the older ones shift up to guichet.log.<maxFiles - 1>
// and the oldest is deleted: at most maxFiles × maxBytes on disk. The incident report zips
// `guichet.log*`.
//
// Lines are written synchronously, as pino.destination({ sync: true }) did before: the lines
// that matter most are those written just before the application exits, and an asynchronous
// buffer would lose them. Writing the log never throws: a full disk or a file held open by
// another program must not turn a log line into a failed payment.
import fs from 'node:fs';
import path from 'node:path';

export const LOG_FILE_NAME = 'guichet.log';
export const DEFAULT_LOG_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 5;

/** The parts of node:fs used here, so that tests can make a rename fail like Windows does. */
export type LogFs = Pick<
  typeof fs,
  | 'openSync'
  | 'closeSync'
  | 'writeSync'
  | 'fstatSync'
  | 'renameSync'
  | 'rmSync'
  | 'existsSync'
  | 'mkdirSync'
>;

export interface RotatingLogOptions {
  file: string;
  maxBytes?: number;
  /** How many files are kept, the current one included. */
  maxFiles?: number;
  fs?: LogFs;
}

/** What pino needs from a destination, plus closing. */
export interface RotatingLog {
  write(line: string): void;
  close(): void;
}

/** guichet.log, guichet.log.1, … guichet.log.<maxFiles - 1>, newest first. */
export function rotatedNames(file: string, maxFiles: number): string[] {
  return Array.from({ length: maxFiles }, (_, i) => (i === 0 ? file : `${file}.${i}`));
}

export function openRotatingLog(opts: RotatingLogOptions): RotatingLog {
  const api = opts.fs ?? fs;
  const maxBytes = Math.max(1024, opts.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
  const maxFiles = Math.max(1, opts.maxFiles ?? DEFAULT_LOG_MAX_FILES);
  const names = rotatedNames(opts.file, maxFiles);
  let fd: number | null = null;
  let size = 0;
  // After a failed rotation (the file held open elsewhere, as Windows forbids renaming it then),
  // the log keeps growing a little before trying again, rather than retrying on every line.
  let nextRotationAt = maxBytes;

  function open(): void {
    try {
      api.mkdirSync(path.dirname(opts.file), { recursive: true });
      fd = api.openSync(opts.file, 'a');
      size = api.fstatSync(fd).size;
    } catch {
      fd = null;
      size = 0;
    }
  }

  function closeFd(): void {
    if (fd === null) return;
    try {
      api.closeSync(fd);
    } catch {
      // Already closed or gone: nothing to do.
    }
    fd = null;
  }

  function rotate(): void {
    closeFd();
    try {
      const oldest = names[names.length - 1];
      if (maxFiles > 1 && oldest && api.existsSync(oldest)) api.rmSync(oldest, { force: true });
      for (let i = names.length - 2; i >= 0; i--) {
        const from = names[i];
        const to = names[i + 1];
        if (from && to && api.existsSync(from)) api.renameSync(from, to);
      }
      if (maxFiles === 1) api.rmSync(opts.file, { force: true });
      nextRotationAt = maxBytes;
    } catch {
      nextRotationAt = size + Math.ceil(maxBytes / 4);
    }
    open();
  }

  open();
  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > Math.max(maxBytes, nextRotationAt)) rotate();
      if (fd === null) open();
      if (fd === null) return;
      try {
        api.writeSync(fd, line);
        size += bytes;
      } catch {
        // A full disk loses this line, not the operation that logged it.
      }
    },
    close: closeFd,
  };
}
