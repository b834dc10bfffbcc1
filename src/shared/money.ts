// Money is always an integer number of cents. The brand keeps a raw number (a count, an id)
// from being passed where an amount is expected; formatting happens only at the edges.
import { z } from 'zod';

export type Cents = number & { readonly __brand: 'Cents' };

export const MAX_CENTS = 100_000_000_00; // 100 M€: far above any régie operation.

export function cents(n: number): Cents {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Montant non entier en centimes : ${n}`);
  return n as Cents;
}

export const centsSchema = z
  .number({ error: 'Le montant doit être un nombre de centimes.' })
  .int({ error: 'Le montant doit être un nombre entier de centimes.' })
  .min(-MAX_CENTS)
  .max(MAX_CENTS)
  .transform((n) => n as Cents);

export const positiveCentsSchema = centsSchema.refine((n) => n > 0, {
  error: 'Le montant doit être supérieur à zéro.',
});

const NBSP = '\u202f'; // narrow no-break space, as French typography puts before €.

/** 4900 -> "49,00 €", -19040 -> "-190,40 €", 123456 -> "1 234,56 €". */
export function formatEuro(amount: number): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const euros = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${negative ? '-' : ''}${grouped},${rest}${NBSP}€`;
}

/**
 * Parses what an agent types ("49", "49,5", "49.50", "1 234,56 €") into cents without floating
 * point. Returns null when the text is not an amount.
 */
export function parseEuro(text: string): Cents | null {
  const cleaned = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  const m = /^(-?)(\d{1,9})(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const whole = Number(m[2]);
  const frac = Number((m[3] ?? '').padEnd(2, '0'));
  return cents(sign * (whole * 100 + frac));
}
