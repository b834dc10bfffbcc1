// "Sauvegardes": the backups of the folder, a backup on demand and, for the régisseur, the
// restore of one of them after a confirmation that says what it does. A restore ends every
// session: once it is done the agent is sent back to the login screen with what happened.
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  Modal,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { IconDatabaseExport, IconRestore } from '@tabler/icons-react';
import type { BackupInfo, BackupList } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { formatSize, parisDateTime, settingsMessages as m } from './messages';

const bm = m.backups;

type Loaded = { list: BackupList } | { error: string; forbidden: boolean };

interface Props {
  mayBackup: boolean;
  mayRestore: boolean;
}

export function BackupsSection({ mayBackup, mayRestore }: Props) {
  const { call, logout } = useGuichet();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [making, setMaking] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState<BackupInfo | null>(null);
  const [restoring, setRestoring] = useState(false);
  const [restoreError, setRestoreError] = useState<string | null>(null);

  const fetchList = useCallback(async (): Promise<Loaded> => {
    if (!mayBackup) return { error: bm.forbidden, forbidden: true };
    const r = await call('backups.list', {});
    return r.ok
      ? { list: r.value }
      : { error: r.error.message, forbidden: r.error.code === 'PERMISSION_REFUSEE' };
  }, [call, mayBackup]);
  const load = async () => setLoaded(await fetchList());

  useEffect(() => {
    let cancelled = false;
    void fetchList().then((l) => {
      if (!cancelled) setLoaded(l);
    });
    return () => {
      cancelled = true;
    };
  }, [fetchList]);

  async function makeNow() {
    setMaking(true);
    setNotice(null);
    const r = await call('backups.create', {});
    setMaking(false);
    setNotice(
      r.ok ? { ok: true, text: bm.made(r.value.fileName) } : { ok: false, text: r.error.message },
    );
    await load();
  }

  async function restore(b: BackupInfo) {
    setRestoring(true);
    setRestoreError(null);
    const r = await call('backups.restore', { fileName: b.fileName, confirm: true });
    setRestoring(false);
    if (!r.ok) {
      setRestoreError(r.error.message);
      return;
    }
    // Every session has ended, this one too: back to the login screen, saying what happened.
    await logout(
      bm.restoredNotice(parisDateTime(b.createdAt), r.value.lostOperations, r.value.replacedFile),
    );
  }

  if (!loaded) {
    return (
      <Stack aria-busy="true" aria-label={m.loading}>
        <Skeleton height={120} />
      </Stack>
    );
  }
  if ('error' in loaded) {
    return (
      <Alert color={loaded.forbidden ? 'gray' : 'red'} variant="outline" role="alert">
        {loaded.error}
      </Alert>
    );
  }
  const { list } = loaded;
  return (
    <Stack gap="md">
      <Text maw={900}>{bm.intro}</Text>
      <Text fz="sm" c="dark.6">
        {bm.folder(list.dir)}
        <br />
        {bm.keep(list.keepDaily, list.keepClosing)}
      </Text>
      <Group>
        <Button
          leftSection={<IconDatabaseExport aria-hidden size={18} />}
          loading={making}
          onClick={() => void makeNow()}
          data-testid="backup-now"
        >
          {bm.makeNow}
        </Button>
      </Group>
      <div aria-live="polite">
        {notice && (
          <Alert
            color={notice.ok ? 'green' : 'red'}
            variant="outline"
            role={notice.ok ? 'status' : 'alert'}
            data-testid="backup-notice"
          >
            {notice.text}
          </Alert>
        )}
      </div>
      {!mayRestore && <Text c="dark.6">{bm.restoreOnlyRegisseur}</Text>}
      {list.backups.length === 0 ? (
        <Text>{bm.empty}</Text>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={800}>
            <Table
              striped
              verticalSpacing="xs"
              aria-label={bm.tableLabel}
              data-testid="backups-table"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{bm.columns.date}</Table.Th>
                  <Table.Th>{bm.columns.reason}</Table.Th>
                  <Table.Th className="amount">{bm.columns.size}</Table.Th>
                  <Table.Th>{bm.columns.check}</Table.Th>
                  <Table.Th>{bm.columns.hash}</Table.Th>
                  {mayRestore && <Table.Th>{bm.columns.action}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.backups.map((b) => (
                  <Table.Tr key={b.fileName} data-file={b.fileName}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} title={b.fileName}>
                      {parisDateTime(b.createdAt)}
                    </Table.Td>
                    <Table.Td>{bm.reason(b.reason)}</Table.Td>
                    <Table.Td className="amount">{formatSize(b.sizeBytes)}</Table.Td>
                    <Table.Td>
                      {b.verified === true ? (
                        <Badge color="green" variant="light">
                          {bm.verified}
                        </Badge>
                      ) : b.verified === false ? (
                        <Badge color="red" variant="light">
                          {bm.failed}
                        </Badge>
                      ) : (
                        <Badge color="gray" variant="light">
                          {bm.unknown}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td className="code" fz="sm" title={b.sha256 ?? undefined}>
                      {b.sha256 ? `${b.sha256.slice(0, 12)}…` : '—'}
                    </Table.Td>
                    {mayRestore && (
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          leftSection={<IconRestore aria-hidden size={16} />}
                          onClick={() => {
                            setRestoreError(null);
                            setConfirming(b);
                          }}
                          aria-label={`${bm.restore} ${parisDateTime(b.createdAt)}`}
                          data-testid="backup-restore"
                        >
                          {bm.restore}
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {confirming && (
        <Modal
          opened
          onClose={() => !restoring && setConfirming(null)}
          title={bm.confirmTitle}
          size="lg"
          closeOnClickOutside={!restoring}
          closeOnEscape={!restoring}
        >
          <Stack gap="sm">
            <Text fw={700}>{bm.confirmIntro(parisDateTime(confirming.createdAt))}</Text>
            <List spacing={4}>
              {bm.consequences.map((c) => (
                <List.Item key={c}>{c}</List.Item>
              ))}
            </List>
            <Text fz="sm" c="dark.6">
              {bm.confirmAdvice}
            </Text>
            <Text fz="sm" className="code">
              {confirming.fileName}
            </Text>
            {restoreError && (
              <Alert color="red" variant="outline" role="alert" data-testid="restore-error">
                {restoreError}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm" mt="sm">
              <Button
                variant="default"
                onClick={() => setConfirming(null)}
                disabled={restoring}
                data-autofocus
              >
                {bm.cancel}
              </Button>
              <Button
                color="red"
                loading={restoring}
                onClick={() => void restore(confirming)}
                data-testid="restore-confirm"
              >
                {bm.confirm}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}
