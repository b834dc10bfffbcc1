// Receipts rich enough to exercise every printed field: accents and ligatures (Lefèvre, Œuvre,
// ç, €), labels long enough to wrap, and an instant that is still the 5th in UTC but already
// the 6th in Paris, so a missing time-zone conversion shows as a wrong date.
import type { ReceiptData } from '../../../src/core/receipts/receipt-data';

export const richReceipt = (overrides: Partial<ReceiptData> = {}): ReceiptData => ({
  kind: 'paiement',
  receiptNumber: 'R-SCO-P01-2026-000123',
  duplicata: false,
  commune: {
    name: 'Commune de Saint-Œuvre-lès-Garçons',
    addressLine: '1 place de l’Hôtel de Ville',
    postalCode: '69123',
    city: 'Saint-Œuvre',
  },
  regie: {
    code: 'SCO',
    name: 'Régie scolaire et périscolaire',
    serviceAddress: 'Service Éducation, 3 rue des Écoles',
    servicePhone: '04 78 12 34 56',
  },
  posteCode: 'P01',
  agentName: 'Françoise Bégué',
  // 23:30 UTC on 5 March is 00:30 on 6 March in Paris (UTC+1 in winter).
  issuedAt: '2026-03-05T23:30:00.000Z',
  payer: {
    familyCode: 'F-004217',
    name: 'Mme Hélène Lefèvre-Çelik',
    addressLines: [
      '12 allée des Cœurs-Vaillants',
      'Bâtiment B, appartement 7',
      '69123 Saint-Œuvre',
    ],
  },
  mode: 'especes',
  modeDetails: ['Billets et pièces remis au guichet'],
  amountCents: 14550,
  tenderedCents: 15000,
  changeCents: 450,
  allocations: [
    {
      invoiceNumber: 'FAC-2026-000311',
      invoiceLabel: 'Restauration scolaire – février 2026 (Léa et Noël)',
      allocatedCents: 8640,
      remainingCents: 0,
    },
    {
      invoiceNumber: 'FAC-2026-000342',
      invoiceLabel:
        'Accueil périscolaire du matin et du soir, mercredis récréatifs et études surveillées – ' +
        'février 2026 – tarif selon quotient familial (tranche 3), pénalités de retard comprises',
      allocatedCents: 4410,
      remainingCents: 1290,
    },
  ],
  creditCreatedCents: 1500,
  creditUsedCents: 0,
  balanceDueCents: 123456,
  balanceCreditCents: 2075,
  cancellation: null,
  verificationCode: '7F3A-91C2',
  ...overrides,
});

export const chequeReceipt = (overrides: Partial<ReceiptData> = {}): ReceiptData =>
  richReceipt({
    mode: 'cheque',
    modeDetails: [
      'Banque : Crédit Agricole Centre-Est',
      'Chèque n° 8123456',
      'Tireur : M. Noël Lefèvre',
    ],
    tenderedCents: null,
    changeCents: null,
    creditCreatedCents: 0,
    creditUsedCents: 500,
    ...overrides,
  });

export const cancelledReceipt = (overrides: Partial<ReceiptData> = {}): ReceiptData =>
  richReceipt({
    kind: 'annulation',
    // As the data builder does: a cancellation is issued when it is made, and states the
    // original movements as positive amounts for the layout to print reversed.
    issuedAt: '2026-03-06T08:15:00.000Z',
    cancellation: {
      reason: 'Erreur de famille à la saisie : paiement enregistré sur le mauvais compte',
      cancelledBy: 'Joël Maïté (régisseur titulaire)',
      cancelledAt: '2026-03-06T08:15:00.000Z',
    },
    allocations: richReceipt().allocations.map((a) => ({
      ...a,
      remainingCents: a.remainingCents + a.allocatedCents,
    })),
    balanceDueCents: 136506,
    balanceCreditCents: 575,
    ...overrides,
  });

/** A payment that settles `count` invoices, to check page breaks on A5. */
export const manyInvoicesReceipt = (count: number): ReceiptData =>
  richReceipt({
    mode: 'cheque',
    modeDetails: ['Banque : La Banque Postale', 'Chèque n° 0001234'],
    tenderedCents: null,
    changeCents: null,
    creditCreatedCents: 0,
    allocations: Array.from({ length: count }, (_, i) => ({
      invoiceNumber: `FAC-2025-${String(1000 + i).padStart(6, '0')}`,
      invoiceLabel:
        i % 3 === 0
          ? `Restauration scolaire et accueil périscolaire – facture n°${i + 1} de l’année, Œuvre des écoles, rappel de régularisation`
          : `Cantine – mois ${i + 1}`,
      allocatedCents: 1000 + i * 37,
      remainingCents: i % 4 === 0 ? 250 + i : 0,
    })),
    amountCents: Array.from({ length: count }, (_, i) => 1000 + i * 37).reduce((a, b) => a + b, 0),
  });
