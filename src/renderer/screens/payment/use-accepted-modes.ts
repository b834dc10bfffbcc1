// Which payment modes a régie accepts. The family data given to the renderer does not carry
// the régie's configuration yet, so each counter mode is tried once through payments.preview
// (read-only) and the modes the core refuses with MODE_NON_ACCEPTE are left out. The preview
// and the recording apply the same rule, so the form can never offer a mode the core refuses.
// To be replaced by a field of the régie panel as soon as the contract carries it.
import { useEffect, useState } from 'react';
import type { CounterPaymentMode } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { counterModes } from './messages';

export type AcceptedModes =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; modes: CounterPaymentMode[] };

function probeMethod(mode: CounterPaymentMode) {
  switch (mode) {
    case 'especes':
      return { mode };
    case 'cheque':
      return { mode, bank: '', number: '', drawer: '', payee: '' };
    case 'carte':
      return { mode, terminalReference: '' };
    case 'cesu':
    case 'cheque_vacances':
      return { mode, titles: [] };
    case 'virement':
      return { mode, reference: '' };
  }
}

export function useAcceptedModes(familyId: number, regieId: number): AcceptedModes {
  const { call } = useGuichet();
  const [answer, setAnswer] = useState<{ key: string; modes: AcceptedModes } | null>(null);
  const key = `${familyId}/${regieId}`;

  useEffect(() => {
    let cancelled = false;
    void Promise.all(
      counterModes.map((mode) =>
        call('payments.preview', { familyId, regieId, amountCents: 0, method: probeMethod(mode) }),
      ),
    ).then((results) => {
      if (cancelled) return;
      const failure = results.find((r) => !r.ok);
      if (failure && !failure.ok) {
        setAnswer({ key, modes: { state: 'failed', message: failure.error.message } });
        return;
      }
      const modes = counterModes.filter((_, i) => {
        const r = results[i];
        return r?.ok && !r.value.violations.some((v) => v.reason === 'MODE_NON_ACCEPTE');
      });
      setAnswer({ key, modes: { state: 'ready', modes } });
    });
    return () => {
      cancelled = true;
    };
  }, [call, familyId, regieId, key]);

  return answer?.key === key ? answer.modes : { state: 'loading' };
}
