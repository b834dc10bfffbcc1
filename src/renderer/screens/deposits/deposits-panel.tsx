// "Remises au comptable" (office screen, F7): the deposit slips of cheques and titles, the cash
// deposits at La Banque Postale and the card remittance summary. The régies come from the
// till's status, which also says whether a till is open on this poste (a cash deposit takes
// its cash out of the open till).
import { useCallback, useEffect, useState } from 'react';
import { Alert, Group, NativeSelect, SegmentedControl, Skeleton, Stack } from '@mantine/core';
import {
  slipKinds,
  type SessionView,
  type SlipKind,
  type TillStatus,
} from '../../../shared/contract';
import { can } from '../../../shared/roles';
import { useGuichet } from '../../guichet-context';
import { CardSummarySection } from './card-summary-section';
import { CashDepositSection } from './cash-deposit-section';
import { depositMessages as m } from './messages';
import { SlipSection } from './slip-section';

type Section = 'slips' | 'cash' | 'card';
const sections: Section[] = ['slips', 'cash', 'card'];

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; status: TillStatus };

export function DepositsPanel({ session }: { session: SessionView }) {
  const { call } = useGuichet();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [section, setSection] = useState<Section>('slips');
  const [regieId, setRegieId] = useState<number | null>(null);
  const [kind, setKind] = useState<SlipKind>('cheque');
  const canValidate = can(session.agent.role, 'validate');

  useEffect(() => {
    let cancelled = false;
    void call('till.status', {}).then((r) => {
      if (cancelled) return;
      setLoaded(
        r.ok ? { state: 'ready', status: r.value } : { state: 'failed', message: r.error.message },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  if (loaded.state === 'loading') {
    return (
      <Stack aria-busy="true" aria-label={m.loading}>
        <Skeleton height={36} width="50%" />
        <Skeleton height={240} />
      </Stack>
    );
  }
  if (loaded.state === 'failed') {
    return (
      <Alert color="red" variant="outline" role="alert" data-testid="deposit-error">
        {m.regiesFailed(loaded.message)}
      </Alert>
    );
  }
  const regies = loaded.status.cash;
  const regie = regies.find((r) => r.regieId === regieId) ?? regies[0];
  if (!regie) {
    return (
      <Alert color="orange" variant="outline">
        {m.noRegie}
      </Alert>
    );
  }

  return (
    <Stack gap="lg" data-testid="deposits-panel">
      <SegmentedControl
        aria-label={m.sectionsLabel}
        data-testid="deposit-section"
        value={section}
        onChange={(v) => setSection(v as Section)}
        data={sections.map((s) => ({ value: s, label: m.sections[s] }))}
        size="md"
        w="fit-content"
      />
      {section !== 'card' && (
        <Group gap="md" align="flex-end" wrap="wrap">
          <NativeSelect
            label={m.regie}
            data-testid="deposit-regie"
            value={String(regie.regieId)}
            onChange={(e) => setRegieId(Number(e.currentTarget.value))}
            data={regies.map((r) => ({
              value: String(r.regieId),
              label: `${r.regieName} (${r.regieCode})`,
            }))}
            size="md"
          />
          {section === 'slips' && (
            <NativeSelect
              label={m.kind}
              data-testid="deposit-kind"
              value={kind}
              onChange={(e) => setKind(e.currentTarget.value as SlipKind)}
              data={slipKinds.map((k) => ({ value: k, label: m.kinds[k] }))}
              size="md"
            />
          )}
        </Group>
      )}
      {section === 'slips' && (
        // Keyed: another régie or kind starts from a clean page (selection, messages, PDF).
        <SlipSection
          key={`${regie.regieId}-${kind}`}
          regieId={regie.regieId}
          kind={kind}
          canValidate={canValidate}
        />
      )}
      {section === 'cash' && (
        <CashDepositSection
          key={regie.regieId}
          regie={regie}
          tillOpen={loaded.status.session !== null && !loaded.status.overnight}
          onRecorded={reload}
        />
      )}
      {section === 'card' && <CardSummarySection regies={regies} />}
    </Stack>
  );
}
