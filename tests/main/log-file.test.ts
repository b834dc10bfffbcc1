// The application log's size-based rotation, on a temporary folder: the current file never
// passes its limit, the older files shift up and the oldest goes, pino writes through it, and a
// rename refused as Windows refuses it (the file held open by another program) neither throws
// nor loses lines.
import fs, { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openRotatingLog, rotatedNames, type LogFs } from '../../src/main/log-file';

const base = mkdtempSync(path.join(tmpdir(), 'guichet-log-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(base, `cas-${++n}`, 'journaux');

const line = (i: number) => `${JSON.stringify({ i, msg: 'x'.repeat(90) })}\n`; // 110 bytes

describe('openRotatingLog', () => {
  it('names the files guichet.log, guichet.log.1 … newest first', () => {
    expect(rotatedNames('/d/guichet.log', 3)).toEqual([
      '/d/guichet.log',
      '/d/guichet.log.1',
      '/d/guichet.log.2',
    ]);
  });

  it('creates its folder and appends to an existing file', () => {
    const dir = freshDir();
    const file = path.join(dir, 'guichet.log');
    const a = openRotatingLog({ file });
    a.write('un\n');
    a.close();
    const b = openRotatingLog({ file });
    b.write('deux\n');
    b.close();
    expect(readFileSync(file, 'utf8')).toBe('un\ndeux\n');
  });

  it('rotates by size, keeps maxFiles files and drops the oldest lines', () => {
    const dir = freshDir();
    const file = path.join(dir, 'guichet.log');
    const log = openRotatingLog({ file, maxBytes: 1024, maxFiles: 3 });
    for (let i = 0; i < 100; i++) log.write(line(i));
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['guichet.log', 'guichet.log.1', 'guichet.log.2']);
    for (const name of readdirSync(dir)) {
      expect(statSync(path.join(dir, name)).size, name).toBeLessThanOrEqual(1024);
    }
    // Lines are never split, and what is kept is the end of the stream, in order.
    const kept = ['guichet.log.2', 'guichet.log.1', 'guichet.log']
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { i: number }).i);
    expect(kept.at(-1)).toBe(99);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 99 - kept.length + 1 + k));
    expect(kept.length).toBeGreaterThanOrEqual(18);
    expect(kept).not.toContain(0);
  });

  it('rotates at start when the file left by the last run is already full', () => {
    const dir = freshDir();
    const file = path.join(dir, 'guichet.log');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, 'a'.repeat(2000));
    const log = openRotatingLog({ file, maxBytes: 1024, maxFiles: 2 });
    log.write('nouveau\n');
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('nouveau\n');
    expect(statSync(`${file}.1`).size).toBe(2000);
  });

  it('is a pino destination', () => {
    const dir = freshDir();
    const file = path.join(dir, 'guichet.log');
    const logger = pino({ level: 'info' }, openRotatingLog({ file, maxBytes: 4096, maxFiles: 5 }));
    for (let i = 0; i < 200; i++) logger.info({ i }, 'encaissement enregistré');
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'guichet.log',
      'guichet.log.1',
      'guichet.log.2',
      'guichet.log.3',
      'guichet.log.4',
    ]);
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ i: 199, msg: 'encaissement enregistré' });
  });

  it('keeps writing when a rename is refused, and rotates once it is allowed again', () => {
    const dir = freshDir();
    const file = path.join(dir, 'guichet.log');
    let locked = true;
    const lockingFs: LogFs = {
      ...fs,
      renameSync: (from, to) => {
        if (locked) throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
        fs.renameSync(from, to);
      },
    };
    const log = openRotatingLog({ file, maxBytes: 1024, maxFiles: 3, fs: lockingFs });
    for (let i = 0; i < 15; i++) log.write(line(i));
    expect(readdirSync(dir)).toEqual(['guichet.log']);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(15);
    locked = false;
    for (let i = 15; i < 40; i++) log.write(line(i));
    log.close();
    expect(readdirSync(dir).sort()).toContain('guichet.log.1');
    const all = ['guichet.log.2', 'guichet.log.1', 'guichet.log']
      .filter((f) => fs.existsSync(path.join(dir, f)))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('');
    const kept = all
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { i: number }).i);
    // Rotation resumed: the newest lines, in order, with no gap.
    expect(kept.at(-1)).toBe(39);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 40 - kept.length + k));
  });

  it('never throws, even when the folder cannot be created', () => {
    const blocker = path.join(base, 'bloque');
    fs.writeFileSync(blocker, 'un fichier, pas un dossier');
    const log = openRotatingLog({ file: path.join(blocker, 'journaux', 'guichet.log') });
    expect(() => log.write('perdu\n')).not.toThrow();
    expect(() => log.close()).not.toThrow();
  });
});
