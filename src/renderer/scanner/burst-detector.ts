// A keyboard-wedge barcode scanner is a keyboard as far as the computer knows: it types the
// coupon's Code 128 content (the invoice reference) and presses Entrée. What sets it apart from
// a person is speed: every key follows the previous one within a few milliseconds, where even a
// fast typist leaves 60 ms or more between most keys. This module tells the two apart from the
// keys alone (their value and their time), with no DOM, so it can be tested on its own.

export interface BurstOptions {
  /** Fewest characters a scan has: shorter bursts are a person's key rollover. */
  minLength: number;
  /** Longest gap between two characters of one scan, in milliseconds. */
  maxIntervalMs: number;
  /**
   * Longest gap between the last character and Entrée. Some scanners pause a little before
   * their suffix; a person cannot have typed the characters before it at scanner speed, so a
   * looser limit here adds no false positive.
   */
  maxEnterDelayMs: number;
}

export const defaultBurstOptions: BurstOptions = {
  minLength: 6,
  maxIntervalMs: 35,
  maxEnterDelayMs: 100,
};

/** What the detector needs of a keydown event. */
export interface KeyStroke {
  key: string;
  /** Milliseconds, from any steady clock (the event's timeStamp). */
  time: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export type Verdict =
  /** Not part of a possible scan (a person's key, a shortcut): nothing to do. */
  | { kind: 'none' }
  /**
   * A character that may begin a scan (`first`) or continues one. The caller notes, on the
   * first, where the focus is and what the field holds, to put it back if a scan is confirmed.
   */
  | { kind: 'character'; first: boolean }
  /** Entrée ended a scan: `text` is what the scanner read. */
  | { kind: 'scan'; text: string };

/** Keys a scanner sends alongside characters (Maj for capitals) without breaking a burst. */
const MODIFIERS = new Set(['Shift', 'CapsLock', 'AltGraph']);

export interface BurstDetector {
  push(stroke: KeyStroke): Verdict;
  reset(): void;
}

export function createBurstDetector(options: BurstOptions = defaultBurstOptions): BurstDetector {
  let buffer = '';
  let lastTime = Number.NEGATIVE_INFINITY;

  function reset(): void {
    buffer = '';
    lastTime = Number.NEGATIVE_INFINITY;
  }

  return {
    reset,
    push(stroke) {
      if (MODIFIERS.has(stroke.key)) return { kind: 'none' };
      const gap = stroke.time - lastTime;
      if (stroke.key === 'Enter') {
        const text = buffer;
        const inTime = gap <= options.maxEnterDelayMs;
        reset();
        return text.length >= options.minLength && inTime
          ? { kind: 'scan', text }
          : { kind: 'none' };
      }
      // A shortcut (Ctrl+C...), a function key, an arrow, Retour arrière: not a scanner.
      const printable =
        stroke.key.length === 1 && !stroke.ctrlKey && !stroke.altKey && !stroke.metaKey;
      if (!printable) {
        reset();
        return { kind: 'none' };
      }
      if (buffer !== '' && gap <= options.maxIntervalMs) {
        buffer += stroke.key;
        lastTime = stroke.time;
        return { kind: 'character', first: false };
      }
      // Too slow to continue the previous burst: this key may start a new one.
      buffer = stroke.key;
      lastTime = stroke.time;
      return { kind: 'character', first: true };
    },
  };
}

/**
 * Whether a query typed in the search box may be an invoice reference (a number such as
 * 2026-SCO-004217 or a PayFiP reference) worth looking up before opening a family: long enough,
 * with digits, in one word. Names never match; a family code may, and the lookup then simply
 * finds no invoice.
 */
export function looksLikeInvoiceReference(query: string): boolean {
  const q = query.trim();
  return q.length >= 6 && q.length <= 64 && /\d/.test(q) && !/\s/.test(q);
}
