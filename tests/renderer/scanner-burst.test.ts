// The barcode scanner's detector: a keyboard-wedge scanner types the coupon's reference within a
// few milliseconds per key and ends with Entrée; a person is ten times slower. The detector must
// recognise every scan, never take a person's typing (however fast a pair of keys) for one, and
// survive what scanners add (Maj for capitals) or people do (shortcuts, corrections).
import { describe, expect, it } from 'vitest';
import {
  createBurstDetector,
  defaultBurstOptions,
  looksLikeInvoiceReference,
  type KeyStroke,
  type Verdict,
} from '../../src/renderer/scanner/burst-detector';

/** Feeds `text` then Entrée, one key every `interval` ms from `start`; returns every verdict. */
function typeText(
  text: string,
  interval: number,
  opts: {
    start?: number;
    enterDelay?: number;
    detector?: ReturnType<typeof createBurstDetector>;
  } = {},
): Verdict[] {
  const detector = opts.detector ?? createBurstDetector();
  let time = opts.start ?? 1000;
  const verdicts: Verdict[] = [];
  [...text].forEach((key, i) => {
    if (i > 0) time += interval;
    verdicts.push(detector.push({ key, time }));
  });
  time += opts.enterDelay ?? interval;
  verdicts.push(detector.push({ key: 'Enter', time }));
  return verdicts;
}

const last = (v: Verdict[]) => v[v.length - 1];

describe('createBurstDetector', () => {
  it('recognises a scanner typing an invoice number at 5 ms per key', () => {
    const verdicts = typeText('2026-SCO-004217', 5);
    expect(last(verdicts)).toEqual({ kind: 'scan', text: '2026-SCO-004217' });
    // The first character is flagged so the caller can note the focused field's value.
    expect(verdicts[0]).toEqual({ kind: 'character', first: true });
    expect(verdicts.slice(1, -1).every((v) => v.kind === 'character' && !v.first)).toBe(true);
  });

  it('accepts intervals up to the limit and refuses one millisecond above it', () => {
    const limit = defaultBurstOptions.maxIntervalMs;
    expect(last(typeText('ABC123', limit))).toEqual({ kind: 'scan', text: 'ABC123' });
    expect(last(typeText('ABC123', limit + 1))).toEqual({ kind: 'none' });
  });

  it('never takes a person typing a reference and Entrée for a scan', () => {
    // 80 ms per key is a very fast typist.
    expect(last(typeText('2026-SCO-004217', 80))).toEqual({ kind: 'none' });
    // Even with a quick pair of keys (rollover) in the middle.
    const detector = createBurstDetector();
    const times = [0, 120, 140, 260, 380, 500, 620, 740];
    const keys = [...'LEF-4821'];
    const verdicts = keys.map((key, i) => detector.push({ key, time: 1000 + (times[i] ?? 0) }));
    verdicts.push(detector.push({ key: 'Enter', time: 1860 }));
    expect(last(verdicts)).toEqual({ kind: 'none' });
  });

  it('needs six characters: a shorter burst followed by Entrée is not a scan', () => {
    expect(last(typeText('12345', 5))).toEqual({ kind: 'none' });
    expect(last(typeText('123456', 5))).toEqual({ kind: 'scan', text: '123456' });
  });

  it('ignores Maj between characters, as scanners send it for capitals', () => {
    const detector = createBurstDetector();
    const strokes: KeyStroke[] = [];
    let t = 0;
    for (const ch of 'SCO-4217') {
      if (/[A-Z]/.test(ch)) strokes.push({ key: 'Shift', time: (t += 2) });
      strokes.push({ key: ch, time: (t += 3) });
    }
    strokes.push({ key: 'Enter', time: (t += 4) });
    const verdicts = strokes.map((s) => detector.push(s));
    expect(last(verdicts)).toEqual({ kind: 'scan', text: 'SCO-4217' });
  });

  it('drops a burst broken by a shortcut, an arrow or a correction', () => {
    for (const breaker of [
      { key: 'c', ctrlKey: true },
      { key: 'ArrowDown' },
      { key: 'Backspace' },
      { key: 'F4' },
      { key: 'x', altKey: true },
    ]) {
      const detector = createBurstDetector();
      let t = 0;
      for (const key of 'ABC') detector.push({ key, time: (t += 5) });
      detector.push({ ...breaker, time: (t += 5) });
      for (const key of 'DEF') detector.push({ key, time: (t += 5) });
      // Only three characters since the break: not enough for a scan.
      expect(detector.push({ key: 'Enter', time: (t += 5) })).toEqual({ kind: 'none' });
    }
  });

  it('starts a new burst after a pause: what was typed before is not part of the scan', () => {
    const detector = createBurstDetector();
    // A person typed "Dup" into the search box (the last two keys a quick pair), then, a moment
    // later, scanned a coupon without pressing Entrée in between.
    detector.push({ key: 'D', time: 0 });
    detector.push({ key: 'u', time: 150 });
    detector.push({ key: 'p', time: 170 });
    const verdicts = typeText('2026-PEN-000042', 4, { detector, start: 400 });
    expect(last(verdicts)).toEqual({ kind: 'scan', text: '2026-PEN-000042' });
  });

  it('accepts a scanner pausing before its Entrée, within the Entrée limit only', () => {
    const ok = defaultBurstOptions.maxEnterDelayMs;
    expect(last(typeText('ABCDEF', 5, { enterDelay: ok }))).toEqual({
      kind: 'scan',
      text: 'ABCDEF',
    });
    expect(last(typeText('ABCDEF', 5, { enterDelay: ok + 1 }))).toEqual({ kind: 'none' });
  });

  it('forgets a scan once reported: a second Entrée right after is not another scan', () => {
    const detector = createBurstDetector();
    const verdicts = typeText('ABCDEF', 5, { detector });
    expect(last(verdicts)?.kind).toBe('scan');
    expect(detector.push({ key: 'Enter', time: 1040 })).toEqual({ kind: 'none' });
  });

  it('reads two scans in a row', () => {
    const detector = createBurstDetector();
    expect(last(typeText('AAAAAA1', 5, { detector, start: 0 }))).toEqual({
      kind: 'scan',
      text: 'AAAAAA1',
    });
    expect(last(typeText('BBBBBB2', 5, { detector, start: 500 }))).toEqual({
      kind: 'scan',
      text: 'BBBBBB2',
    });
  });

  it('honours other options', () => {
    const detector = createBurstDetector({ minLength: 3, maxIntervalMs: 10, maxEnterDelayMs: 10 });
    expect(last(typeText('AB1', 10, { detector }))).toEqual({ kind: 'scan', text: 'AB1' });
    expect(last(typeText('AB1', 11, { detector }))).toEqual({ kind: 'none' });
  });
});

describe('looksLikeInvoiceReference', () => {
  it('accepts invoice numbers and PayFiP references', () => {
    expect(looksLikeInvoiceReference('2026-SCO-004217')).toBe(true);
    expect(looksLikeInvoiceReference('  2026SCO004217 ')).toBe(true);
    expect(looksLikeInvoiceReference('0000123456789012345678')).toBe(true);
  });

  it('leaves names, short queries and sentences to the family search', () => {
    expect(looksLikeInvoiceReference('Lefèvre')).toBe(false);
    expect(looksLikeInvoiceReference('A-12')).toBe(false);
    expect(looksLikeInvoiceReference('Léa 2026')).toBe(false);
    expect(looksLikeInvoiceReference('x'.repeat(60) + '12345')).toBe(false);
  });
});
