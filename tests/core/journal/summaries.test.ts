// The journal screen's one-line summaries of the entries added with closures, deposits,
// exports, settings and backups: an auditor reads these lines, so each must name the document
// and its amount rather than fall back to the bare kind label.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/core/journal/list';

describe('journal summaries', () => {
  it.each([
    [
      'cloture_mois',
      { period: '2026-03', regieCode: 'SCO', netCents: 123456, paymentCount: 42 },
      /^Clôture mensuelle 2026-03, régie SCO : net 1\s234,56\s€ \(42 paiements\)$/,
    ],
    [
      'bordereau_valide',
      { number: 'B-SCO-2026-0001', count: 2, totalCents: 6700 },
      /^Bordereau B-SCO-2026-0001 validé : 2 pièce\(s\), 67,00\s€$/,
    ],
    [
      'bordereau_brouillon',
      { slipKind: 'cheque', regieCode: 'SCO', count: 3, totalCents: 9000 },
      /^Brouillon de bordereau \(Bordereau de remise de chèques\), régie SCO : 3 pièce\(s\), 90,00\s€$/,
    ],
    [
      'depot_especes',
      { number: 'E-SCO-2026-0002', regieCode: 'SCO', totalCents: 20900 },
      /^Dépôt d’espèces E-SCO-2026-0002, régie SCO : 209,00\s€$/,
    ],
    [
      'export',
      { report: 'recus', format: 'csv', rows: 12 },
      /^Édition « Journal des reçus » \(CSV\) : 12 ligne\(s\)$/,
    ],
    ['configuration', { scope: 'regie', regieCode: 'PEN' }, /^Configuration de la régie PEN/],
    [
      'sauvegarde',
      { status: 'echec', reason: 'cloture', error: 'disque plein' },
      /^Échec de sauvegarde \(cloture\) : disque plein$/,
    ],
    [
      'restauration',
      { status: 'refusee', fileName: 'a.sqlite', problem: 'chaîne rompue' },
      /^Restauration refusée \(a\.sqlite\) : chaîne rompue$/,
    ],
  ])('%s', (kind, payload, expected) => {
    expect(summarize(kind, payload)).toMatch(expected);
  });
});
