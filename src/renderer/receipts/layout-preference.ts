// The receipt layout this counter prints by default (80 mm ticket printer or A5 sheets) is a
// property of the poste's printer, so it is remembered on this machine between sessions.
import { receiptLayouts, type ReceiptLayout } from '../../shared/contract';

const KEY = 'guichet.receiptLayout';

export function preferredLayout(): ReceiptLayout {
  try {
    const saved = localStorage.getItem(KEY);
    return receiptLayouts.find((l) => l === saved) ?? 'ticket';
  } catch {
    return 'ticket';
  }
}

export function rememberLayout(layout: ReceiptLayout): void {
  try {
    localStorage.setItem(KEY, layout);
  } catch {
    // A browser that refuses storage only loses the preference, not the receipt.
  }
}
