// Amounts, dates and units as printed. The shared formatters are the single source of the
// wording; these wrappers only adapt them to paper.
import { formatEuro } from '../../shared/money';
import { TIME_ZONE } from '../../shared/dates';

/** Millimetres to PDF points (1 pt = 1/72 in). */
export const mm = (millimetres: number): number => (millimetres * 72) / 25.4;

export const pageSizes = {
  a5: { width: mm(148), height: mm(210) },
  a4: { width: mm(210), height: mm(297) },
  /** Thermal roll: the width is fixed, the length follows the content. */
  ticket80: { width: mm(80) },
} as const;

/**
 * "1 234,56 €" with the shared formatter's narrow no-break spaces, which DejaVu draws. They stay
 * no-break so an amount never splits across two lines when a column wraps.
 */
export function formatEuroPrint(amountCents: number): string {
  return formatEuro(amountCents);
}

/** A movement that is reversed prints with a minus sign whatever sign it was stored with. */
export function formatEuroNegated(amountCents: number): string {
  return formatEuro(-Math.abs(amountCents));
}

const parisParts = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A UTC instant as Paris date and time: { date: "05/03/2026", time: "14:07" }. */
export function parisDateTime(iso: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    parisParts.formatToParts(new Date(iso)).map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.day}/${parts.month}/${parts.year}`,
    time: `${parts.hour}:${parts.minute}`,
  };
}

/** "Le 05/03/2026 à 14:07" (Paris time). */
export function formatIssuedAt(iso: string): string {
  const { date, time } = parisDateTime(iso);
  return `Le ${date} à ${time}`;
}
