// The poste's till status, read when a screen opens and again after each till operation. Kept
// apart from the payment form's own read so each screen controls when it refreshes.
import { useCallback, useEffect, useState } from 'react';
import type { TillStatus } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';

export type TillState =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; status: TillStatus };

export function useTill(): { till: TillState; reload(): void } {
  const { call } = useGuichet();
  const [till, setTill] = useState<TillState>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    void call('till.status', {}).then((r) => {
      if (cancelled) return;
      setTill(
        r.ok ? { state: 'ready', status: r.value } : { state: 'failed', message: r.error.message },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { till, reload };
}
