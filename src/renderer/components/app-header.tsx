import { Badge, Button, Group, Kbd, Text } from '@mantine/core';
import { IconBook2, IconCash, IconFileInvoice, IconSearch } from '@tabler/icons-react';
import type { SessionView } from '../../shared/contract';
import { roleLabels } from '../../shared/roles';
import { useGuichet } from '../guichet-context';
import { appMessages } from '../messages';

interface Props {
  session: SessionView;
  current: 'search' | 'family' | 'payment' | 'journal' | 'till' | 'office';
  onSearch(): void;
  /** Null for agents who may not read the journal. */
  onJournal: (() => void) | null;
  journalKey: string;
  onTill(): void;
  tillKey: string;
  onOffice(): void;
  officeKey: string;
}

export function AppHeader({
  session,
  current,
  onSearch,
  onJournal,
  journalKey,
  onTill,
  tillKey,
  onOffice,
  officeKey,
}: Props) {
  const { status, logout } = useGuichet();
  return (
    <header className="app-header" aria-label={appMessages.headerLabel}>
      <Group justify="space-between" wrap="nowrap" px="lg" py="sm" gap="lg">
        <Group gap="md" wrap="nowrap">
          <Text fw={800} fz="xl" c="institutional.9">
            {appMessages.appName}
          </Text>
          <Text fw={600} fz="lg">
            {status.commune?.name ?? appMessages.noCommune}
          </Text>
          <Badge variant="outline" color="dark" size="lg" radius="sm" style={{ flexShrink: 0 }}>
            {appMessages.poste(session.posteCode)}
          </Badge>
        </Group>
        <Group gap="xs" wrap="nowrap" component="nav" aria-label={appMessages.navLabel}>
          <Button
            variant={current === 'search' ? 'light' : 'subtle'}
            leftSection={<IconSearch aria-hidden size={18} />}
            rightSection={<Kbd size="xs">F2</Kbd>}
            aria-current={current === 'search' ? 'page' : undefined}
            aria-keyshortcuts="F2"
            onClick={onSearch}
          >
            {appMessages.navSearch}
          </Button>
          <Button
            variant={current === 'till' ? 'light' : 'subtle'}
            leftSection={<IconCash aria-hidden size={18} />}
            rightSection={<Kbd size="xs">{tillKey}</Kbd>}
            aria-current={current === 'till' ? 'page' : undefined}
            aria-keyshortcuts={tillKey}
            onClick={onTill}
            data-testid="nav-till"
          >
            {appMessages.navTill}
          </Button>
          <Button
            variant={current === 'office' ? 'light' : 'subtle'}
            leftSection={<IconFileInvoice aria-hidden size={18} />}
            rightSection={<Kbd size="xs">{officeKey}</Kbd>}
            aria-current={current === 'office' ? 'page' : undefined}
            aria-keyshortcuts={officeKey}
            onClick={onOffice}
            data-testid="nav-office"
          >
            {appMessages.navOffice}
          </Button>
          {onJournal && (
            <Button
              variant={current === 'journal' ? 'light' : 'subtle'}
              leftSection={<IconBook2 aria-hidden size={18} />}
              rightSection={<Kbd size="xs">{journalKey}</Kbd>}
              aria-current={current === 'journal' ? 'page' : undefined}
              aria-keyshortcuts={journalKey}
              onClick={onJournal}
              data-testid="nav-journal"
            >
              {appMessages.navJournal}
            </Button>
          )}
        </Group>
        <Group gap="md" wrap="nowrap">
          <div aria-label={appMessages.agentLabel}>
            <Text fw={700} ta="right" data-testid="agent-name">
              {session.agent.displayName}
            </Text>
            <Text fz="sm" c="dark.6" ta="right">
              {roleLabels[session.agent.role]}
            </Text>
          </div>
          <Button variant="outline" onClick={() => void logout(appMessages.loggedOut)}>
            {appMessages.logout}
          </Button>
        </Group>
      </Group>
    </header>
  );
}
