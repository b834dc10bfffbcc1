// A cash movement during the session: an apport (cash added), a retrait (cash taken out) or a
// versement to the comptable public, for one régie, with its reason. The core checks the cash
// held; its refusal is shown as it is. A versement may take the takings kept in the safe
// since earlier closings instead of the drawer's cash.
import { useState } from 'react';
import { Alert, Button, Group, NativeSelect, Stack, TextInput, Title } from '@mantine/core';
import {
  movementKindLabels,
  movementKinds,
  movementSourceLabels,
  movementSources,
  type CashPosition,
  type MovementKind,
  type MovementSource,
} from '../../../shared/contract';
import { parseEuro } from '../../../shared/money';
import { useGuichet } from '../../guichet-context';
import { tillMessages as m } from './messages';
import { useCommandId } from './use-command-id';

interface Props {
  cash: readonly CashPosition[];
  onRecorded(): void;
}

export function MovementPanel({ cash, onRecorded }: Props) {
  const { call } = useGuichet();
  const [kind, setKind] = useState<MovementKind>('retrait');
  const [source, setSource] = useState<MovementSource>('tiroir');
  const [regieId, setRegieId] = useState<number | null>(cash[0]?.regieId ?? null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const commandIdFor = useCommandId();

  if (cash.length === 0 || regieId === null) {
    return (
      <Alert color="orange" variant="outline">
        {m.noCashRegie}
      </Alert>
    );
  }

  async function submit() {
    if (sending || regieId === null) return;
    const amountCents = parseEuro(amount);
    if (amountCents === null || amountCents <= 0) {
      setAmountError(m.movementAmountInvalid);
      return;
    }
    setAmountError(null);
    setError(null);
    setDone(null);
    setSending(true);
    // Only a versement can come from the safe; the other kinds always move the drawer's cash.
    const content = {
      regieId,
      kind,
      amountCents,
      reason,
      source: kind === 'versement' ? source : 'tiroir',
    };
    const r = await call('till.movement', { commandId: commandIdFor(content), ...content });
    setSending(false);
    if (!r.ok) {
      setError(r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message);
      return;
    }
    setDone(m.movementDone(movementKindLabels[kind], amountCents));
    setAmount('');
    setReason('');
    onRecorded();
  }

  return (
    <form
      noValidate
      aria-labelledby="titre-mouvement"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="md" maw={640}>
        <Title order={2} id="titre-mouvement">
          {m.movementTitle}
        </Title>
        <Group grow align="flex-start">
          <NativeSelect
            label={m.movementKind}
            data-testid="movement-kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as MovementKind)}
            data={movementKinds.map((k) => ({ value: k, label: movementKindLabels[k] }))}
            autoFocus
          />
          <NativeSelect
            label={m.movementRegie}
            data-testid="movement-regie"
            value={String(regieId)}
            onChange={(e) => setRegieId(Number(e.currentTarget.value))}
            data={cash.map((c) => ({ value: String(c.regieId), label: c.regieName }))}
          />
        </Group>
        {kind === 'versement' && (
          <NativeSelect
            label={m.movementSource}
            data-testid="movement-source"
            value={source}
            onChange={(e) => setSource(e.currentTarget.value as MovementSource)}
            data={movementSources.map((s) => ({ value: s, label: movementSourceLabels[s] }))}
            maw={420}
          />
        )}
        <TextInput
          label={m.movementAmount}
          data-testid="movement-amount"
          inputMode="decimal"
          rightSection="€"
          maw={200}
          value={amount}
          error={amountError}
          onChange={(e) => setAmount(e.currentTarget.value)}
        />
        <TextInput
          label={m.movementReason}
          description={m.movementReasonHelp}
          data-testid="movement-reason"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        {error && (
          <Alert color="red" variant="outline" role="alert" data-testid="till-error">
            {error}
          </Alert>
        )}
        {done && (
          <Alert color="green" variant="outline" role="status" data-testid="movement-done">
            {done}
          </Alert>
        )}
        <div>
          <Button type="submit" size="md" loading={sending} data-testid="movement-submit">
            {m.movementSubmit}
          </Button>
        </div>
      </Stack>
    </form>
  );
}
