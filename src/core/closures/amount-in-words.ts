// Amounts written out in French words, as an "arrêté" states them: "mille deux cent
// trente-quatre euros et cinquante-six centimes". Traditional spelling (hyphens only below
// one hundred), with the agreement rules an accountant checks: "vingt et un", "soixante et
// onze", "quatre-vingts" but "quatre-vingt-un", "deux cents" but "deux cent un", "cent" and
// "vingt" invariable before "mille" but not before "millions", "mille" always invariable and
// never preceded by "un", "un million d’euros".

const units = [
  'zéro',
  'un',
  'deux',
  'trois',
  'quatre',
  'cinq',
  'six',
  'sept',
  'huit',
  'neuf',
  'dix',
  'onze',
  'douze',
  'treize',
  'quatorze',
  'quinze',
  'seize',
];
const tens = ['', 'dix', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'];

/**
 * 0 to 99. `final` is true when nothing multiplied follows (end of the number, or before
 * "millions"/"milliards", which are nouns): only then does "quatre-vingts" take its s.
 */
function belowHundred(n: number, final: boolean): string {
  if (n < 17) return units[n] ?? '';
  if (n < 20) return `dix-${units[n - 10]}`;
  const t = Math.floor(n / 10);
  const u = n % 10;
  if (t === 7) return u === 1 ? 'soixante et onze' : `soixante-${belowHundred(10 + u, final)}`;
  if (t === 8) return u === 0 ? `quatre-vingt${final ? 's' : ''}` : `quatre-vingt-${units[u]}`;
  if (t === 9) return `quatre-vingt-${belowHundred(10 + u, final)}`;
  const base = tens[t] ?? '';
  if (u === 0) return base;
  if (u === 1) return `${base} et un`;
  return `${base}-${units[u]}`;
}

/** 0 to 999, same meaning of `final`. */
function belowThousand(n: number, final: boolean): string {
  const h = Math.floor(n / 100);
  const rest = n % 100;
  const tail = rest === 0 ? '' : belowHundred(rest, final);
  if (h === 0) return tail;
  const hundreds = h === 1 ? 'cent' : `${units[h]} cent${rest === 0 && final ? 's' : ''}`;
  return tail ? `${hundreds} ${tail}` : hundreds;
}

/** A whole number (0 to 999 999 999 999) in French words. */
export function numberInWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > 999_999_999_999) {
    throw new RangeError(`Nombre hors limites pour l’écriture en lettres : ${n}`);
  }
  if (n === 0) return 'zéro';
  const milliards = Math.floor(n / 1_000_000_000);
  const millions = Math.floor(n / 1_000_000) % 1000;
  const thousands = Math.floor(n / 1000) % 1000;
  const rest = n % 1000;
  const words: string[] = [];
  if (milliards > 0) {
    words.push(`${belowThousand(milliards, true)} milliard${milliards > 1 ? 's' : ''}`);
  }
  if (millions > 0) {
    words.push(`${belowThousand(millions, true)} million${millions > 1 ? 's' : ''}`);
  }
  if (thousands > 0) {
    words.push(thousands === 1 ? 'mille' : `${belowThousand(thousands, false)} mille`);
  }
  if (rest > 0) words.push(belowThousand(rest, true));
  return words.join(' ');
}

/**
 * An amount in cents in words: "mille deux cent trente-quatre euros et cinquante-six
 * centimes", "un million d’euros", "quatre-vingts centimes", "zéro euro". A negative amount
 * (more cancelled than collected) starts with "moins".
 */
export function amountInWords(amountCents: number): string {
  if (!Number.isSafeInteger(amountCents)) {
    throw new RangeError(`Montant en centimes entier attendu : ${amountCents}`);
  }
  const negative = amountCents < 0;
  const abs = Math.abs(amountCents);
  const euros = Math.floor(abs / 100);
  const cents = abs % 100;
  const parts: string[] = [];
  if (euros > 0 || cents === 0) {
    // "d’euros" after a round number of millions or milliards, which are nouns.
    const of =
      euros >= 1_000_000 && euros % 1_000_000 === 0 ? 'd’euros' : euros > 1 ? 'euros' : 'euro';
    parts.push(`${numberInWords(euros)} ${of}`);
  }
  if (cents > 0) parts.push(`${numberInWords(cents)} centime${cents > 1 ? 's' : ''}`);
  return `${negative ? 'moins ' : ''}${parts.join(' et ')}`;
}
