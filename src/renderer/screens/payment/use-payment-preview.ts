// The live preview of a payment: each change of the draft restarts a short debounce, and an
// answer for an older draft is dropped, so what is on screen always matches the form. The last
// answer stays visible (marked stale) while the next one is computed, to avoid flicker.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PaymentPreview } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { useGuichet } from '../../guichet-context';
import type { PaymentDraftInput } from './payment-draft';

export const PREVIEW_DEBOUNCE_MS = 150;

export interface PreviewAnswer {
  key: string;
  result: Result<PaymentPreview>;
}

export interface PaymentPreviewState {
  /** The latest answer, possibly for an older draft. */
  answer: PreviewAnswer | null;
  /** True when `answer` is for the draft now in the form. */
  current: boolean;
  /** The preview of the draft in the form, asked at once if not already known. */
  previewNow(): Promise<Result<PaymentPreview> | null>;
}

export function draftKey(draft: PaymentDraftInput | null): string | null {
  return draft ? JSON.stringify(draft) : null;
}

export function usePaymentPreview(draft: PaymentDraftInput | null): PaymentPreviewState {
  const { call } = useGuichet();
  const key = draftKey(draft);
  const [answer, setAnswer] = useState<PreviewAnswer | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const id = ++latest.current;
    if (!draft || key === null) return;
    const timer = setTimeout(() => {
      void call('payments.preview', draft).then((result) => {
        if (id === latest.current) setAnswer({ key, result });
      });
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, key, call]);

  const current = answer !== null && answer.key === key;
  const previewNow = useCallback(async () => {
    if (!draft || key === null) return null;
    if (answer?.key === key) return answer.result;
    const id = ++latest.current;
    const result = await call('payments.preview', draft);
    if (id === latest.current) setAnswer({ key, result });
    return result;
  }, [answer, call, draft, key]);

  return { answer, current, previewNow };
}
