// The poste's till (caisse): whether a session is open and since when, the cash held per régie
// against its ceiling, and the three operations of the day — opening with the float counted,
// cash movements, and the closing count with its Z report. Shown from the header (F6) and from
// the payment form when no till is open.
import { useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Container,
  Group,
  List,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import type { CeilingLevel, SessionView, TillStatus } from '../../../shared/contract';
import { formatEuro } from '../../../shared/money';
import { can } from '../../../shared/roles';
import { overlayOpen } from '../../components/overlay-open';
import { useGuichet } from '../../guichet-context';
import { CeilingOverrideButton } from './ceiling-override';
import { ClosePanel } from './close-panel';
import { parisDateTime, tillMessages as m } from './messages';
import { MovementPanel } from './movement-panel';
import { OpenPanel } from './open-panel';
import { useTill } from './use-till';

type Panel = 'open' | 'movement' | 'close';

const levelColors: Record<CeilingLevel, string> = {
  normal: 'green',
  alerte: 'orange',
  depasse: 'red',
};

interface Props {
  session: SessionView;
  onBack(): void;
}

export function TillScreen({ session, onBack }: Props) {
  const { locked } = useGuichet();
  const { till, reload } = useTill();
  const [panel, setPanel] = useState<Panel | null>(null);
  const mayHandle = can(session.agent.role, 'till');
  const status = till.state === 'ready' ? till.status : null;
  // Without a choice, a closed till offers its opening straight away.
  const shown: Panel | null = panel ?? (status && !status.session && mayHandle ? 'open' : null);

  // Échap goes back when no field has the focus (in a field it is left to the field).
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== 'Escape' || locked || e.defaultPrevented || overlayOpen(e)) return;
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement) return;
      e.preventDefault();
      onBack();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, onBack]);

  return (
    <Container size="xl" py="lg">
      <Stack gap="lg">
        <Group justify="space-between">
          <Title order={1}>{m.title}</Title>
          <Button
            variant="subtle"
            leftSection={<IconArrowLeft aria-hidden size={18} />}
            onClick={onBack}
          >
            {m.back}
          </Button>
        </Group>
        {till.state === 'loading' && (
          <Stack aria-busy="true" aria-label={m.loading}>
            <Skeleton height={80} />
          </Stack>
        )}
        {till.state === 'failed' && (
          <Alert color="red" variant="outline" role="alert">
            {m.statusFailed(till.message)}
          </Alert>
        )}
        {status && (
          <StatusCard
            status={status}
            mayOverride={can(session.agent.role, 'validate')}
            onChanged={reload}
          />
        )}
        {status && mayHandle && (
          <Group gap="sm" role="group" aria-label={m.actionsLabel}>
            {!status.session ? (
              <Button
                variant={shown === 'open' ? 'filled' : 'light'}
                onClick={() => setPanel('open')}
                data-testid="till-action-open"
              >
                {m.actionOpen}
              </Button>
            ) : (
              <>
                <Button
                  variant={shown === 'movement' ? 'filled' : 'light'}
                  onClick={() => setPanel('movement')}
                  disabled={status.overnight}
                  data-testid="till-action-movement"
                >
                  {m.actionMovement}
                </Button>
                <Button
                  variant={shown === 'close' ? 'filled' : 'light'}
                  color="red"
                  onClick={() => setPanel('close')}
                  data-testid="till-action-close"
                >
                  {m.actionClose}
                </Button>
              </>
            )}
          </Group>
        )}
        {status && !mayHandle && <Text c="dark.6">{m.noTillRight}</Text>}
        {status && mayHandle && (
          <Paper withBorder p="lg" radius="md" hidden={shown === null}>
            {shown === 'open' && (
              <OpenPanel
                onOpened={() => {
                  // Kept on screen once the till is open: its float warnings must be read.
                  setPanel('open');
                  reload();
                }}
              />
            )}
            {shown === 'movement' && status.session && (
              <MovementPanel cash={status.cash} onRecorded={reload} />
            )}
            {shown === 'close' && (
              <ClosePanel
                canValidate={can(session.agent.role, 'validate')}
                onClosed={reload}
                onDone={() => setPanel(null)}
              />
            )}
          </Paper>
        )}
      </Stack>
    </Container>
  );
}

function StatusCard({
  status,
  mayOverride,
  onChanged,
}: {
  status: TillStatus;
  mayOverride: boolean;
  onChanged(): void;
}) {
  const s = status.session;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="till-status" data-open={s ? 'yes' : 'no'}>
      <Stack gap="sm">
        <Group gap="md">
          <Badge size="xl" radius="sm" color={s ? (status.overnight ? 'orange' : 'green') : 'gray'}>
            {s ? m.open(parisDateTime(s.openedAt)) : m.closed}
          </Badge>
          {s && <Text>{m.openBy(s.openedBy)}</Text>}
          {s && <Text c="dark.6">{m.floatCounted(s.floatCountedCents)}</Text>}
        </Group>
        {!s && !status.message && <Text>{m.closedHelp}</Text>}
        {status.overnight && (
          <Alert color="orange" variant="outline" role="status">
            {m.overnight}
          </Alert>
        )}
        {status.message && (
          <Text c="dark.7" data-testid="till-message">
            {status.message}
          </Text>
        )}
        {status.cash.length > 0 && (
          <>
            <Title order={2} fz="lg">
              {m.cashTitle}
            </Title>
            <Table withTableBorder fz="md" data-testid="till-cash">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{m.cashRegie}</Table.Th>
                  <Table.Th ta="right">{m.cashHeld}</Table.Th>
                  <Table.Th ta="right">{m.cashCeiling}</Table.Th>
                  <Table.Th>{m.cashLevel}</Table.Th>
                  <Table.Th>{m.cashVersement}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.cash.map((c) => (
                  <Table.Tr key={c.regieId} data-regie={c.regieCode}>
                    <Table.Td fw={600}>{c.regieName}</Table.Td>
                    <Table.Td ta="right" fw={700}>
                      {formatEuro(c.cashHeldCents)}
                    </Table.Td>
                    <Table.Td ta="right">{formatEuro(c.ceilingCents)}</Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        <Badge color={levelColors[c.level]} variant="light" radius="sm">
                          {m.levels[c.level]}
                        </Badge>
                        {c.overrideActive && (
                          <Badge color="grape" variant="light" radius="sm">
                            {m.override}
                          </Badge>
                        )}
                        {mayOverride &&
                          status.session &&
                          c.level === 'depasse' &&
                          !c.overrideActive && (
                            <CeilingOverrideButton position={c} onGranted={onChanged} />
                          )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c={c.versementReminder ? 'orange.8' : 'dark.6'}>
                        {m.lastVersement(c.lastVersementAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {status.cash.some((c) => c.messages.length > 0) && (
              <Alert color="orange" variant="outline" data-testid="till-cash-messages">
                <List size="sm" spacing={4}>
                  {status.cash
                    .flatMap((c) => c.messages)
                    .map((msg) => (
                      <List.Item key={msg}>{msg}</List.Item>
                    ))}
                </List>
              </Alert>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
