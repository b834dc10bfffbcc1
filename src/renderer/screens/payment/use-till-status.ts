// The poste's till as the payment form needs it: whether a session is open (money handled at
// the counter needs one) and the cash ceiling messages of the régie. Read once when the form
// opens; the core checks the same rules again when the payment is recorded.
import { useEffect, useState } from 'react';
import type { TillStatus } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';

export function useTillStatus(): TillStatus | null {
  const { call } = useGuichet();
  const [status, setStatus] = useState<TillStatus | null>(null);
  useEffect(() => {
    let cancelled = false;
    void call('till.status', {}).then((r) => {
      // Without an answer the form says nothing: the recording itself would explain a refusal.
      if (!cancelled && r.ok) setStatus(r.value);
    });
    return () => {
      cancelled = true;
    };
  }, [call]);
  return status;
}
