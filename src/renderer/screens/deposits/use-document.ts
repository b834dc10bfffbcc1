// A PDF produced on demand by the core (a slip, a deposit, a summary) for the ReceiptViewer:
// the file once ready, a busy flag while it is made, or the French refusal.
import { useCallback, useRef, useState } from 'react';
import type { ReportFile } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { depositMessages as m } from './messages';

export interface DocumentState {
  file: ReportFile | null;
  busy: boolean;
  error: string | null;
}

export function useDocument(): {
  doc: DocumentState;
  show(load: () => Promise<Result<ReportFile>>): void;
  clear(): void;
} {
  const [doc, setDoc] = useState<DocumentState>({ file: null, busy: false, error: null });
  // Only the last document asked for is shown, whatever order the answers come back in.
  const latest = useRef(0);
  const show = useCallback((load: () => Promise<Result<ReportFile>>) => {
    const ticket = ++latest.current;
    setDoc({ file: null, busy: true, error: null });
    void load().then((r) => {
      if (ticket !== latest.current) return;
      setDoc(
        r.ok
          ? { file: r.value, busy: false, error: null }
          : { file: null, busy: false, error: m.pdfFailed(r.error.message) },
      );
    });
  }, []);
  const clear = useCallback(() => {
    latest.current++;
    setDoc({ file: null, busy: false, error: null });
  }, []);
  return { doc, show, clear };
}
