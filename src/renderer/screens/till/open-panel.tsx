// Opening the till: the agent counts the float handed over, the core records it and compares
// it with the expected float and what the last closing left, and its warnings are shown.
import { useRef, useState } from 'react';
import { Alert, Button, List, Stack, Text, Title } from '@mantine/core';
import type { DenominationKey, FloatCheck } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { emptyCounts, readCounts } from './cash-count';
import { DenominationGrid } from './denomination-grid';
import { tillMessages as m } from './messages';
import { useCommandId } from './use-command-id';

interface Props {
  onOpened(): void;
}

export function OpenPanel({ onOpened }: Props) {
  const { call } = useGuichet();
  const [fields, setFields] = useState(emptyCounts);
  const [invalid, setInvalid] = useState<DenominationKey[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [opened, setOpened] = useState<FloatCheck | null>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const commandIdFor = useCommandId();

  async function submit() {
    if (sending) return;
    const read = readCounts(fields);
    if (!read.ok) {
      setInvalid(read.invalid);
      setError(m.fixCounts);
      return;
    }
    setInvalid([]);
    setError(null);
    setSending(true);
    const r = await call('till.open', {
      commandId: commandIdFor(read.counts),
      counts: read.counts,
    });
    setSending(false);
    if (!r.ok) {
      setError(r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message);
      return;
    }
    setOpened(r.value.float);
    onOpened();
  }

  if (opened) {
    return (
      <Stack gap="sm" data-testid="till-opened">
        <Alert color="green" variant="outline" role="status">
          {m.opened(opened.countedCents)}
        </Alert>
        {opened.warnings.length > 0 && (
          <Alert
            color="orange"
            variant="outline"
            title={m.floatWarnings}
            data-testid="float-warnings"
          >
            <List size="sm" spacing={4}>
              {opened.warnings.map((w) => (
                <List.Item key={w}>{w}</List.Item>
              ))}
            </List>
          </Alert>
        )}
      </Stack>
    );
  }

  return (
    <form
      noValidate
      aria-labelledby="titre-ouverture"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="md">
        <Title order={2} id="titre-ouverture">
          {m.openTitle}
        </Title>
        <Text>{m.openHelp}</Text>
        <DenominationGrid
          idPrefix="open"
          fields={fields}
          invalid={invalid}
          onChange={setFields}
          onDone={() => submitButton.current?.focus()}
          autoFocus
        />
        {error && (
          <Alert color="red" variant="outline" role="alert" data-testid="till-error">
            {error}
          </Alert>
        )}
        <div>
          <Button
            ref={submitButton}
            type="submit"
            size="md"
            loading={sending}
            data-testid="open-submit"
          >
            {m.openSubmit}
          </Button>
        </div>
      </Stack>
    </form>
  );
}
