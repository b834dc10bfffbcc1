// The régisseur's (or suppléant's) permission to take cash above a régie's ceiling for the rest
// of the session, given with a reason that the journal keeps. Offered only on a régie whose
// ceiling is exceeded, only to an agent who may validate, and only while a till is open: a
// versement remains the normal answer, the screen says so before the reason is typed.
import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import type { CashPosition } from '../../../shared/contract';
import { formatEuro } from '../../../shared/money';
import { useGuichet } from '../../guichet-context';
import { tillMessages as m } from './messages';
import { useCommandId } from './use-command-id';

interface Props {
  position: CashPosition;
  onGranted(): void;
}

export function CeilingOverrideButton({ position, onGranted }: Props) {
  const { call } = useGuichet();
  const commandId = useCommandId();
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    const content = { regieId: position.regieId, reason: reason.trim() };
    const r = await call('till.ceilingOverride', { commandId: commandId(content), ...content });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setOpened(false);
    setReason('');
    onGranted();
  }

  return (
    <>
      <Button
        size="xs"
        variant="outline"
        color="grape"
        onClick={() => setOpened(true)}
        data-testid={`ceiling-override-${position.regieCode}`}
      >
        {m.overrideAction}
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={m.overrideTitle(position.regieName)}
        size="lg"
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Stack gap="md">
            <Text>
              {m.overrideExplain(
                formatEuro(position.cashHeldCents),
                formatEuro(position.ceilingCents),
              )}
            </Text>
            <Textarea
              label={m.overrideReason}
              description={m.overrideReasonHelp}
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value);
                setError(null);
              }}
              minRows={2}
              autosize
              data-autofocus
              required
              data-testid="ceiling-override-reason"
            />
            {error && (
              <Alert
                color="red"
                variant="outline"
                role="alert"
                data-testid="ceiling-override-error"
              >
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)}>
                {m.overrideCancel}
              </Button>
              <Button
                type="submit"
                color="grape"
                loading={busy}
                data-testid="ceiling-override-submit"
              >
                {m.overrideSubmit}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
