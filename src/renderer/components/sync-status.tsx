// The poste's link with the portal, for the header: en ligne / hors ligne, last successful
// sync, operations waiting, operations to handle, and "Synchroniser maintenant". It only asks
// the core (sync.status every few seconds); the sync itself runs in the core's background.
import { Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { formatInstant } from '../../shared/dates';
import { useGuichet } from '../guichet-context';
import { useSyncStatus } from './use-sync-status';

export function SyncStatusWidget() {
  const { call } = useGuichet();
  const { status, setStatus } = useSyncStatus();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const syncNow = async () => {
    setBusy(true);
    setError(null);
    const r = await call('sync.now', {});
    setBusy(false);
    if (r.ok) setStatus(r.value);
    else setError(r.error.message);
  };

  if (!status) return null;
  if (!status.configured) {
    return (
      <Badge color="gray" variant="light" data-testid="sync-status">
        Non relié au portail
      </Badge>
    );
  }
  const last = status.lastSuccessAt
    ? `Dernière synchronisation le ${formatInstant(status.lastSuccessAt)}`
    : 'Jamais synchronisé';
  return (
    <Group gap="xs" data-testid="sync-status">
      <Tooltip label={status.lastError ?? last} multiline w={320}>
        <Badge color={status.online ? 'teal' : 'orange'} variant="light">
          {status.online ? 'En ligne' : 'Hors ligne'}
        </Badge>
      </Tooltip>
      <Text size="xs" c="dimmed">
        {last}
      </Text>
      {status.waitingOps > 0 && (
        <Text size="xs">
          {status.waitingOps} opération{status.waitingOps > 1 ? 's' : ''} en attente
        </Text>
      )}
      {status.toHandle > 0 && (
        <Badge color="red" variant="light">
          {status.toHandle} à traiter
        </Badge>
      )}
      {status.openConflicts > 0 && (
        <Badge color="red" variant="outline">
          {status.openConflicts} conflit{status.openConflicts > 1 ? 's' : ''}
        </Badge>
      )}
      <Button size="compact-xs" variant="subtle" loading={busy} onClick={() => void syncNow()}>
        Synchroniser maintenant
      </Button>
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </Group>
  );
}
