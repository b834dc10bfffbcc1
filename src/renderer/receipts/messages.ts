import type { ReceiptLayout } from '../../shared/contract';

export const receiptMessages = {
  layoutLabel: 'Format du reçu',
  layouts: { ticket: 'Ticket 80 mm', a5: 'A5' } satisfies Record<ReceiptLayout, string>,
  open: 'Ouvrir / imprimer le reçu',
  openHelp:
    'Le fichier PDF s’enregistre puis s’ouvre dans votre lecteur de PDF, d’où vous l’imprimez.',
  preparing: 'Préparation du reçu…',
  drawing: 'Affichage de l’aperçu…',
  previewLabel: (file: string) => `Aperçu du reçu (${file})`,
  previewFailed:
    'L’aperçu du reçu n’a pas pu être affiché. Le reçu lui-même est prêt : utilisez «\u00a0Ouvrir / imprimer le reçu\u00a0».',
  noOriginal:
    'Le reçu original n’a pas pu être produit. L’opération est enregistrée : imprimez un duplicata ci-dessus.',
  choiceLabel: 'Reçu à imprimer',
  originalIn: (layout: string) => `Original — ${layout}`,
  duplicataIn: (layout: string) => `Duplicata — ${layout}`,
  duplicataNote:
    'Un duplicata porte la mention DUPLICATA et reste inscrit au journal des opérations.',
  replayedNoOriginal:
    'Le reçu original a été produit lors du premier envoi, dont la réponse ne vous est pas parvenue. Imprimez un duplicata pour le payeur.',
} as const;
