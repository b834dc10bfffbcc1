// The CFONB amount codec: 13 digits, then one character carrying both the last digit and the
// sign ('{' and 'A'..'I' for 0..9 positive, '}' and 'J'..'R' for 0..9 negative), the whole
// divided by 10^decimals where the number of decimals is given by position 20 of the record.
// Everything stays in integers: a statement amount is never a floating-point number here.

const POSITIVE = '{ABCDEFGHI';
const NEGATIVE = '}JKLMNOPQR';

/** Why an amount field cannot be read, in French, to put after "Ligne N : ". */
export class AmountFieldError extends Error {}

/** Decodes a 14-character amount field into signed cents. */
export function decodeCfonbAmount(field: string, decimals: number): number {
  if (field.length !== 14) {
    throw new AmountFieldError(`montant « ${field.trim()} » incomplet (14 caractères attendus)`);
  }
  const digits = field.slice(0, 13);
  const last = field[13]!;
  if (!/^\d{13}$/.test(digits)) {
    throw new AmountFieldError(
      `montant « ${field} » illisible : 13 chiffres attendus avant le caractère de signe`,
    );
  }
  let lastDigit = POSITIVE.indexOf(last);
  let sign = 1;
  if (lastDigit < 0) {
    lastDigit = NEGATIVE.indexOf(last);
    sign = -1;
  }
  if (lastDigit < 0) {
    throw new AmountFieldError(
      `montant « ${field} » illisible : le dernier caractère « ${last} » n’est pas un signe CFONB ({, A à I, }, J à R)`,
    );
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 9) {
    throw new AmountFieldError(`nombre de décimales « ${decimals} » illisible`);
  }
  // At most 10^14 - 1: below Number.MAX_SAFE_INTEGER, so exact.
  const units = Number(digits) * 10 + lastDigit;
  let centsAbs: number;
  if (decimals <= 2) {
    centsAbs = units * 10 ** (2 - decimals);
  } else {
    const divisor = 10 ** (decimals - 2);
    if (units % divisor !== 0) {
      throw new AmountFieldError(
        `montant « ${field} » avec ${decimals} décimales : il tombe sur une fraction de centime`,
      );
    }
    centsAbs = units / divisor;
  }
  if (!Number.isSafeInteger(centsAbs)) {
    throw new AmountFieldError(`montant « ${field} » hors limites`);
  }
  // -0 would compare equal but print oddly: an amount of zero is always positive.
  return centsAbs === 0 ? 0 : sign * centsAbs;
}

/** Encodes signed cents as a 14-character field with `decimals` decimals (tests, benches). */
export function encodeCfonbAmount(amountCents: number, decimals = 2): string {
  if (!Number.isSafeInteger(amountCents)) throw new RangeError(`Centimes entiers : ${amountCents}`);
  const abs = Math.abs(amountCents);
  let units: number;
  if (decimals >= 2) {
    units = abs * 10 ** (decimals - 2);
  } else {
    const divisor = 10 ** (2 - decimals);
    if (abs % divisor !== 0) {
      throw new RangeError(
        `${amountCents} centimes ne s’écrivent pas avec ${decimals} décimale(s)`,
      );
    }
    units = abs / divisor;
  }
  if (!Number.isSafeInteger(units) || units >= 10 ** 14) {
    throw new RangeError(`Montant trop grand pour 14 positions : ${amountCents}`);
  }
  const text = String(units).padStart(14, '0');
  const lastDigit = Number(text[13]);
  const signChar = (amountCents < 0 ? NEGATIVE : POSITIVE)[lastDigit]!;
  return text.slice(0, 13) + signChar;
}
