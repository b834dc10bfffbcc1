// What the counter says about scanned coupons and invoice references typed in the search box.
import type { InvoiceState } from '../../shared/invoice-state';

const NBSP = '\u00a0';
const quoted = (s: string) => `«${NBSP}${s}${NBSP}»`;

export const scannerMessages = {
  looking: (ref: string) => `Recherche de la facture ${quoted(ref)}…`,
  notFound: (ref: string) =>
    `Aucune facture ne porte la référence ${quoted(ref)}. Vérifiez le coupon (ou la saisie) et réessayez, ou cherchez la famille par son nom.`,
  failed: (reason: string) => `La facture n’a pas pu être recherchée${NBSP}: ${reason}`,
  familyFailed: (reason: string) =>
    `La famille de cette facture n’a pas pu être ouverte${NBSP}: ${reason}`,
  overlayOpen: `Un code-barres a été lu pendant qu’une fenêtre était ouverte${NBSP}: il n’a pas été pris en compte. Terminez ou fermez la fenêtre, puis scannez le coupon à nouveau.`,
  notPayable: (number: string, state: InvoiceState) =>
    `La facture ${number} ${notPayableStates[state]}${NBSP}: rien à encaisser au guichet. La page de la famille est ouverte.`,
  readOnly: (number: string) =>
    `Facture ${number}${NBSP}: votre rôle ne permet pas d’encaisser, la page de la famille est ouverte.`,
  opened: (number: string) => `Facture ${number} ouverte pour encaissement.`,
  close: 'Fermer le message',
  noticeTitle: 'Lecture du coupon',
} as const;

/** Why an invoice a coupon names cannot be collected now, as the end of a sentence. */
const notPayableStates: Record<InvoiceState, string> = {
  a_payer: 'n’a plus de reste à payer',
  partielle: 'n’a plus de reste à payer',
  payee: 'est déjà payée',
  tresorerie: 'est en trésorerie (transmise au comptable public, que la famille règle directement)',
  prelevement: 'est réglée par prélèvement automatique et cette régie ne l’encaisse pas au guichet',
  annulee: 'est annulée',
};
