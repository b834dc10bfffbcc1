import type { ReactNode } from 'react';
import { Badge, Button, Group, Kbd, Text } from '@mantine/core';
import {
  IconBook2,
  IconCash,
  IconFileInvoice,
  IconSearch,
  IconSettings,
} from '@tabler/icons-react';
import type { SessionView } from '../../shared/contract';
import { roleLabels } from '../../shared/roles';
import { useGuichet } from '../guichet-context';
import { SyncStatusWidget } from './sync-status';
import { appMessages } from '../messages';
import { settingsMessages } from '../screens/settings/messages';

interface Props {
  session: SessionView;
  current: 'search' | 'family' | 'payment' | 'journal' | 'till' | 'office' | 'settings';
  onSearch(): void;
  /** Null for agents who may not read the journal. */
  onJournal: (() => void) | null;
  journalKey: string;
  onTill(): void;
  tillKey: string;
  onOffice(): void;
  officeKey: string;
  onSettings(): void;
  settingsKey: string;
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
  onSettings,
  settingsKey,
}: Props) {
  const { status, logout } = useGuichet();
  const navButton = (
    key: string,
    label: string,
    icon: ReactNode,
    active: boolean,
    onClick: () => void,
    testId?: string,
  ) => (
    <Button
      key={key}
      variant={active ? 'light' : 'subtle'}
      leftSection={icon}
      rightSection={<Kbd size="xs">{key}</Kbd>}
      aria-current={active ? 'page' : undefined}
      aria-keyshortcuts={key}
      onClick={onClick}
      data-testid={testId}
    >
      {label}
    </Button>
  );
  // Two rows: who and where on the first, the screens and the portal link on the second. On one
  // row the header overflowed on the 1280- and 1366-pixel screens counters have; with the portal
  // link on the first row, a linked poste lost its commune name and the badges overlapped.
  return (
    <header className="app-header" aria-label={appMessages.headerLabel}>
      <Group justify="space-between" wrap="nowrap" px="lg" pt="xs" gap="lg">
        <Group gap="md" wrap="nowrap" style={{ minWidth: 0 }}>
          <Text fw={800} fz="xl" c="institutional.9">
            {appMessages.appName}
          </Text>
          <Text fw={600} fz="lg" truncate="end">
            {status.commune?.name ?? appMessages.noCommune}
          </Text>
          <Badge variant="outline" color="dark" size="lg" radius="sm" style={{ flexShrink: 0 }}>
            {appMessages.poste(session.posteCode)}
          </Badge>
        </Group>
        <Group gap="md" wrap="nowrap" style={{ flexShrink: 0 }}>
          <Text aria-label={appMessages.agentLabel}>
            <Text span fw={700} data-testid="agent-name">
              {session.agent.displayName}
            </Text>
            <Text span fz="sm" c="dark.6">
              {' · '}
              {roleLabels[session.agent.role]}
            </Text>
          </Text>
          <Button variant="outline" onClick={() => void logout(appMessages.loggedOut)}>
            {appMessages.logout}
          </Button>
        </Group>
      </Group>
      <Group justify="space-between" wrap="wrap" gap="xs" px="md" py={6}>
        <Group gap="xs" wrap="wrap" component="nav" aria-label={appMessages.navLabel}>
          {navButton(
            'F2',
            appMessages.navSearch,
            <IconSearch aria-hidden size={18} />,
            current === 'search',
            onSearch,
          )}
          {navButton(
            tillKey,
            appMessages.navTill,
            <IconCash aria-hidden size={18} />,
            current === 'till',
            onTill,
            'nav-till',
          )}
          {navButton(
            officeKey,
            appMessages.navOffice,
            <IconFileInvoice aria-hidden size={18} />,
            current === 'office',
            onOffice,
            'nav-office',
          )}
          {onJournal &&
            navButton(
              journalKey,
              appMessages.navJournal,
              <IconBook2 aria-hidden size={18} />,
              current === 'journal',
              onJournal,
              'nav-journal',
            )}
          {navButton(
            settingsKey,
            settingsMessages.navLabel,
            <IconSettings aria-hidden size={18} />,
            current === 'settings',
            onSettings,
            'nav-settings',
          )}
        </Group>
        <SyncStatusWidget />
      </Group>
    </header>
  );
}
