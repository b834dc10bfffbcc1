// From an invoice reference (read by the scanner or typed in the search box) to the screen that
// deals with it: the payment form of its family and régie with that invoice selected, or the
// family's page when there is nothing to collect on it or the agent may not collect. A reference
// that matches nothing changes no screen: the agent is told, and stays where they were.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FamilyDetail, InvoiceView, RegiePanel } from '../../shared/contract';
import { useGuichet } from '../guichet-context';
import { scannerMessages as m } from './messages';

export interface ScanNoticeState {
  /** Bumped at each notice, so the same text twice is announced twice. */
  id: number;
  tone: 'pending' | 'done' | 'info' | 'error';
  text: string;
}

interface Targets {
  mayCollect: boolean;
  openPayment(family: FamilyDetail, regieId: number, invoiceId: number): void;
  openFamily(familyId: number): void;
}

export interface OpenOptions {
  /** Called instead of the "not found" notice (the search box then opens its selected family). */
  otherwise?: () => void;
}

/** How long a notice stays on screen, by tone (errors longer: they ask for something). */
export const NOTICE_MS: Record<ScanNoticeState['tone'], number | null> = {
  pending: null,
  done: 5_000,
  info: 10_000,
  error: 15_000,
};

/** Whether the counter can take a payment on this invoice now. */
export function collectable(invoice: InvoiceView, panel: RegiePanel): boolean {
  if (invoice.remainingCents <= 0) return false;
  if (invoice.state === 'a_payer' || invoice.state === 'partielle') return true;
  return invoice.state === 'prelevement' && panel.allowDirectDebitPayment;
}

export function useInvoiceOpener(targets: Targets): {
  notice: ScanNoticeState | null;
  dismiss(): void;
  openReference(reference: string, options?: OpenOptions): void;
  scanIgnored(): void;
} {
  const { call } = useGuichet();
  const [notice, setNotice] = useState<ScanNoticeState | null>(null);
  const counter = useRef(0);
  // Only the last reference asked for may move the screen, whatever order answers come in.
  const latest = useRef(0);
  const targetsRef = useRef(targets);
  useEffect(() => {
    targetsRef.current = targets;
  });

  const say = useCallback((tone: ScanNoticeState['tone'], text: string) => {
    counter.current += 1;
    setNotice({ id: counter.current, tone, text });
  }, []);

  useEffect(() => {
    if (!notice) return;
    const ms = NOTICE_MS[notice.tone];
    if (ms === null) return;
    const timer = setTimeout(() => setNotice((n) => (n?.id === notice.id ? null : n)), ms);
    return () => clearTimeout(timer);
  }, [notice]);

  const dismiss = useCallback(() => setNotice(null), []);

  const openReference = useCallback(
    (raw: string, options: OpenOptions = {}) => {
      const reference = raw.trim();
      const ticket = ++latest.current;
      say('pending', m.looking(reference));
      void (async () => {
        const found = await call('invoices.lookup', { reference });
        if (ticket !== latest.current) return;
        if (!found.ok) {
          say('error', m.failed(found.error.message));
          return;
        }
        if (!found.value) {
          if (options.otherwise) {
            setNotice(null);
            options.otherwise();
          } else {
            say('error', m.notFound(reference));
          }
          return;
        }
        const { familyId, regieId, invoiceId } = found.value;
        const family = await call('families.get', { familyId });
        if (ticket !== latest.current) return;
        if (!family.ok) {
          say('error', m.familyFailed(family.error.message));
          return;
        }
        const t = targetsRef.current;
        const panel = family.value.regies.find((r) => r.regieId === regieId);
        const invoice = panel?.invoices.find((i) => i.id === invoiceId);
        if (!panel || !invoice) {
          // The invoice exists but the family's page does not list it (it should): the page
          // is the safest place to land.
          setNotice(null);
          t.openFamily(familyId);
          return;
        }
        if (!t.mayCollect) {
          say('info', m.readOnly(invoice.number));
          t.openFamily(familyId);
        } else if (!collectable(invoice, panel)) {
          say('info', m.notPayable(invoice.number, invoice.state));
          t.openFamily(familyId);
        } else {
          say('done', m.opened(invoice.number));
          t.openPayment(family.value, regieId, invoiceId);
        }
      })();
    },
    [call, say],
  );

  const scanIgnored = useCallback(() => say('error', m.overlayOpen), [say]);

  return { notice, dismiss, openReference, scanIgnored };
}
