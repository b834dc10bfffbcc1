// Cell values as billing software and spreadsheets write them, turned into what the register
// stores: amounts in integer cents (never through floating point), calendar dates YYYY-MM-DD,
// civilities and invoice statuses from their usual French spellings. Each parser returns the
// value or the French end of an error message ("« 12,5O » n’est pas un montant…").
import type { InvoiceStatus } from '../../shared/invoice-state';
import { MAX_CENTS } from '../../shared/money';
import { foldText } from '../../shared/text';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: string): Parsed<never> => ({ ok: false, problem });

/** The cell as shown in a message: quoted, and cut when long. */
export function shown(raw: string): string {
  const t = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return `« ${t} »`;
}

/**
 * "12,50", "12.50", "12,5", "1 234,56 €", "1.234,56", "1,234.56": spaces (ordinary, no-break and
 * narrow no-break) and the euro sign are dropped; the last "," or "." followed by one or two
 * digits is the decimal mark and any other is a thousands separator. Negative amounts are read
 * (the caller says why they are refused); more than two decimals are not an amount.
 */
export function parseAmount(raw: string): Parsed<number> {
  const cleaned = raw.replace(/[\s\u00a0\u202f€]/g, '').replace(/EUR$/i, '');
  const m = /^([-+]?)(\d{1,3}(?:([.,])\d{3})*|\d+)(?:([.,])(\d{1,2}))?$/.exec(cleaned);
  // A thousands separator needs a decimal mark of the other kind after it: "1.234,56" is clear,
  // but "1.234" or "12,500" could be either, and a wrong guess would be a thousandfold error.
  if (!m || (m[3] !== undefined && (m[4] === undefined || m[3] === m[4]))) {
    return bad(`${shown(raw)} n’est pas un montant (exemple : 12,50).`);
  }
  const whole = Number((m[2] ?? '').replace(/[.,]/g, ''));
  const frac = Number((m[5] ?? '').padEnd(2, '0'));
  const value = (m[1] === '-' ? -1 : 1) * (whole * 100 + frac);
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_CENTS) {
    return bad(`${shown(raw)} dépasse le plus grand montant accepté.`);
  }
  return ok(value);
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "05/03/2026", "5/3/2026", "05-03-2026" or "2026-03-05" (a time after the date is ignored). */
export function parseDate(raw: string): Parsed<string> {
  const t = raw.trim().replace(/[ T]\d{1,2}:\d{2}(:\d{2})?$/, '');
  let y: number, m: number, d: number;
  const fr = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (fr) [d, m, y] = [Number(fr[1]), Number(fr[2]), Number(fr[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return bad(`${shown(raw)} n’est pas une date (exemple : 05/03/2026).`);
  if (!validDate(y, m, d)) return bad(`${shown(raw)} n’est pas une date du calendrier.`);
  return ok(`${y}-${pad(m)}-${pad(d)}`);
}

/** "2026-03", "03/2026", "3/2026" or "mars 2026" → "2026-03". */
const frenchMonths = [
  'janvier',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'decembre',
];

export function parsePeriod(raw: string): Parsed<string> {
  const t = foldText(raw);
  const iso = /^(\d{4}) (\d{1,2})$/.exec(t);
  const fr = /^(\d{1,2}) (\d{4})$/.exec(t);
  const word = /^([a-z]+) (\d{4})$/.exec(t);
  let y = 0;
  let m = 0;
  if (iso) [y, m] = [Number(iso[1]), Number(iso[2])];
  else if (fr) [y, m] = [Number(fr[2]), Number(fr[1])];
  else if (word) [y, m] = [Number(word[2]), frenchMonths.indexOf(word[1] ?? '') + 1];
  if (y < 1900 || y > 2199 || m < 1 || m > 12) {
    return bad(`${shown(raw)} n’est pas une période (exemple : 03/2026 ou 2026-03).`);
  }
  return ok(`${y}-${pad(m)}`);
}

/** Stored as the register's other write paths do: "M." or "Mme". */
export function parseCivility(raw: string): Parsed<'M.' | 'Mme'> {
  const t = foldText(raw);
  if (['m', 'mr', 'monsieur'].includes(t)) return ok('M.');
  // "Mademoiselle" has not been used by administrations since 2012 (circulaire du 21 février).
  if (['mme', 'madame', 'mlle', 'mademoiselle', 'mle'].includes(t)) return ok('Mme');
  return bad(`${shown(raw)} n’est pas une civilité (M. ou Mme).`);
}

/** Empty means "à payer", the status of an invoice just issued. */
export function parseStatus(raw: string): Parsed<InvoiceStatus> {
  const t = foldText(raw);
  if (['', 'a payer', 'emise', 'impayee', 'en cours', 'non payee'].includes(t)) return ok('emise');
  if (['annulee', 'annule', 'annulation'].includes(t)) return ok('annulee');
  if (
    [
      'transmise au tresor',
      'transmise au tresor public',
      'en tresorerie',
      'tresorerie',
      'tresor',
      'titre',
      'titree',
    ].includes(t)
  ) {
    return ok('tresorerie');
  }
  if (['prelevement', 'prelevement automatique', 'prelevee'].includes(t)) return ok('prelevement');
  return bad(
    `${shown(raw)} n’est pas un statut de facture (à payer, annulée, transmise au Trésor ou prélèvement).`,
  );
}

export const statusLabels: Record<InvoiceStatus, string> = {
  emise: 'à payer',
  annulee: 'annulée',
  tresorerie: 'transmise au Trésor',
  prelevement: 'prélèvement',
};

/** A plausible e-mail address: what a mailer would try to send to, no more. */
export function parseEmail(raw: string): Parsed<string> {
  const t = raw.trim();
  if (t.length > 254 || !/^[^\s@;,<>"]+@[^\s@;,<>"]+\.[A-Za-z]{2,}$/.test(t)) {
    return bad(`${shown(raw)} n’est pas une adresse électronique.`);
  }
  return ok(t);
}

/** French numbers with or without spaces, dots or dashes, or international ones with "+". */
export function parsePhone(raw: string): Parsed<string> {
  const t = raw.trim().replace(/\s+/g, ' ');
  const digits = t.replace(/\D/g, '');
  if (!/^\+?[\d .\-()/]+$/.test(t) || digits.length < 9 || digits.length > 15) {
    return bad(`${shown(raw)} n’est pas un numéro de téléphone.`);
  }
  return ok(t);
}

export function parsePostalCode(raw: string): Parsed<string> {
  const t = raw.trim();
  // A spreadsheet that took the code for a number drops the leading zero of 01000 to 09999.
  if (/^\d{4}$/.test(t)) return ok(`0${t}`);
  if (!/^\d{5}$/.test(t)) return bad(`${shown(raw)} n’est pas un code postal (5 chiffres).`);
  return ok(t);
}

function mod97(s: string): number {
  let r = 0;
  for (const ch of s) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}

/**
 * The PayFiP reference the register gives an invoice whose file names none: the invoice
 * number's letters and digits, upper case, followed by two ISO 7064 mod 97-10 check digits.
 * For the register's own numbers ("2026-SCO-004217") this is exactly invoiceRefdet() of
 * shared/demo/commune, so a commune moving from files to the portal keeps its references.
 * Null when the number has too few or too many letters and digits for a reference.
 */
export function computedRefdet(invoiceNumber: string): string | null {
  const base = invoiceNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (base.length < 4 || base.length > 28) return null;
  const check = 98 - mod97(`${base}00`);
  return `${base}${pad(check)}`;
}

export function parseRefdet(raw: string): Parsed<string> {
  const t = raw.trim().toUpperCase();
  if (!/^[A-Z0-9]{6,30}$/.test(t)) {
    return bad(`${shown(raw)} n’est pas une référence PayFiP (6 à 30 lettres et chiffres).`);
  }
  return ok(t);
}
