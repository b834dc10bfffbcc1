// "Portail": this poste's link with the central portal. Everyone sees whether it is enrolled,
// online, how many operations wait to be sent and which ones the portal refused ("à traiter":
// they are never dropped, the régisseur deals with each). The régisseur enrols the poste with
// the one-time code the portal's administrator gave; the secret it receives is kept by the
// core outside the database and never shown.
import { useState } from 'react';
import { Alert, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { formatInstant } from '../../../shared/dates';
import { useGuichet } from '../../guichet-context';
import { useSyncStatus } from '../../components/use-sync-status';
import { settingsMessages } from './messages';

const m = settingsMessages.portal;

export function PortalSection({ mayEnrol }: { mayEnrol: boolean }) {
  const { call } = useGuichet();
  const { status, setStatus, loadError } = useSyncStatus();
  const [error, setError] = useState<string | null>(null);
  const [typedUrl, setUrl] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  // The address field shows the enrolled portal's until the régisseur types another one.
  const url = typedUrl ?? status?.portalUrl ?? '';

  async function enrol() {
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await call('sync.enrol', { portalUrl: url, code });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setStatus(r.value);
    setCode('');
    setDone(m.enrolled(r.value.posteCode ?? ''));
  }

  async function syncNow() {
    setBusy(true);
    setError(null);
    const r = await call('sync.now', {});
    setBusy(false);
    if (r.ok) setStatus(r.value);
    else setError(r.error.message);
  }

  if (!status) return loadError ? <Alert color="red">{loadError}</Alert> : null;
  return (
    <Stack gap="md" maw={900}>
      <Text data-testid="portal-state">
        {status.configured
          ? m.state(
              status.portalUrl ?? '',
              status.online,
              status.lastSuccessAt ? formatInstant(status.lastSuccessAt) : null,
              status.waitingOps,
            )
          : m.notEnrolled}
      </Text>
      {status.lastError && (
        <Alert color="orange" variant="outline" data-testid="portal-last-error">
          {status.lastError}
        </Alert>
      )}
      {status.configured && (
        <Group>
          <Button variant="light" loading={busy} onClick={() => void syncNow()}>
            {m.syncNow}
          </Button>
        </Group>
      )}
      {status.rejected.length > 0 && (
        <>
          <Title order={3} fz="lg">
            {m.toHandle(status.rejected.length)}
          </Title>
          <Text fz="sm" c="dark.6">
            {m.toHandleHelp}
          </Text>
          <Table withTableBorder data-testid="portal-rejected">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{m.colWhen}</Table.Th>
                <Table.Th>{m.colKind}</Table.Th>
                <Table.Th>{m.colReason}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {status.rejected.map((r) => (
                <Table.Tr key={r.seq}>
                  <Table.Td>{formatInstant(r.rejectedAt)}</Table.Td>
                  <Table.Td>{r.kind}</Table.Td>
                  <Table.Td>{r.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      <Title order={3} fz="lg">
        {m.enrolTitle}
      </Title>
      {!mayEnrol ? (
        <Text c="dark.6">{m.enrolRegisseurOnly}</Text>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void enrol();
          }}
        >
          <Stack gap="sm">
            <Text fz="sm" c="dark.6">
              {m.enrolHelp}
            </Text>
            <TextInput
              label={m.url}
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              data-testid="portal-url"
              maw={520}
            />
            <TextInput
              label={m.code}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              data-testid="portal-code"
              autoComplete="off"
              maw={360}
            />
            <Group>
              <Button type="submit" loading={busy} data-testid="portal-enrol">
                {status.configured ? m.reenrol : m.enrol}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {error && (
        <Alert color="red" variant="outline" role="alert" data-testid="portal-error">
          {error}
        </Alert>
      )}
      {done && (
        <Alert color="green" variant="outline" role="status" data-testid="portal-done">
          {done}
        </Alert>
      )}
    </Stack>
  );
}
