// Start-up and the frame of every screen: pick the transport, read the commune's status, then
// show the first start's setup (a new installation), the login screen or the workspace, with
// the demo banner above everything and the lock screen over the workspace when the session is
// locked.
import { useEffect, useState } from 'react';
import { Alert, Button, Center, Container, Loader, Stack, Text } from '@mantine/core';
import { createClient, type Client } from '../shared/client';
import type { AppStatus, SetupDone } from '../shared/contract';
import { DemoBanner } from './components/demo-banner';
import { GuichetProvider, useGuichet } from './guichet-context';
import { appMessages } from './messages';
import { LockScreen } from './screens/lock/lock-screen';
import { LoginScreen } from './screens/login/login-screen';
import { SetupScreen } from './screens/setup/setup-screen';
import { setupMessages } from './screens/setup/messages';
import { pickTransport } from './transport';
import { Workspace } from './workspace';

type Boot =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; status: AppStatus; setupNeeded: boolean };

function createAppClient(): { client: Client } | { message: string } {
  const choice = pickTransport();
  return choice.ok ? { client: createClient(choice.transport) } : { message: choice.message };
}

export function App() {
  const [setup] = useState(createAppClient);
  const [boot, setBoot] = useState<Boot>(() =>
    'message' in setup ? { kind: 'failed', message: setup.message } : { kind: 'loading' },
  );
  const [attempt, setAttempt] = useState(0);
  // What the first start's setup created, for the login screen that follows it.
  const [setupDone, setSetupDone] = useState<SetupDone | null>(null);

  useEffect(() => {
    if (!('client' in setup)) return;
    let cancelled = false;
    // A new installation has no commune and no agent yet: the setup screen comes first.
    void Promise.all([
      setup.client.send('system.status', {}),
      setup.client.send('setup.status', {}),
    ]).then(([r, s]) => {
      if (cancelled) return;
      if (!r.ok) return setBoot({ kind: 'failed', message: r.error.message });
      if (!s.ok) return setBoot({ kind: 'failed', message: s.error.message });
      setBoot({ kind: 'ready', status: r.value, setupNeeded: s.value.needed });
    });
    return () => {
      cancelled = true;
    };
  }, [setup, attempt]);

  if (boot.kind === 'loading') {
    return (
      <Center h="100vh">
        <Stack align="center">
          <Loader aria-hidden />
          <Text>{appMessages.starting}</Text>
        </Stack>
      </Center>
    );
  }
  if (boot.kind === 'failed' || !('client' in setup)) {
    const message = boot.kind === 'failed' ? boot.message : appMessages.engineUnreachable;
    return (
      <Container size="sm" py="xl">
        <Alert color="red" variant="outline" title={appMessages.startFailedTitle} role="alert">
          <Stack>
            <Text>{message}</Text>
            {'client' in setup && (
              <Button
                variant="default"
                onClick={() => {
                  setBoot({ kind: 'loading' });
                  setAttempt((n) => n + 1);
                }}
              >
                {appMessages.retry}
              </Button>
            )}
          </Stack>
        </Alert>
      </Container>
    );
  }
  return (
    <GuichetProvider
      client={setup.client}
      status={boot.status}
      sessionExpiredMessage={appMessages.sessionExpired}
    >
      <Shell
        setupNeeded={boot.setupNeeded}
        setupDone={setupDone}
        onSetupDone={(done) => {
          // The commune and the poste code are new: read the status again before the login.
          setSetupDone(done);
          setBoot({ kind: 'loading' });
          setAttempt((n) => n + 1);
        }}
      />
    </GuichetProvider>
  );
}

interface ShellProps {
  setupNeeded: boolean;
  setupDone: SetupDone | null;
  onSetupDone(done: SetupDone | null): void;
}

function Shell({ setupNeeded, setupDone, onSetupDone }: ShellProps) {
  const { status, session, locked } = useGuichet();
  useEffect(() => {
    const commune = status.commune?.name;
    document.title = commune ? `${appMessages.appName} — ${commune}` : appMessages.appName;
  }, [status]);
  return (
    <>
      {status.commune?.demo && <DemoBanner commune={status.commune.name} />}
      {session ? (
        <>
          {/* Hidden from assistive technology and from the tab order while locked, but kept
              mounted so the agent finds the same screen after unlocking. */}
          <div inert={locked} aria-hidden={locked}>
            <Workspace session={session} />
          </div>
          {locked && <LockScreen session={session} />}
        </>
      ) : setupNeeded ? (
        <SetupScreen onDone={onSetupDone} />
      ) : (
        <LoginScreen
          initialLogin={setupDone?.login}
          welcome={
            setupDone ? setupMessages.welcome(setupDone.communeName, setupDone.posteCode) : null
          }
        />
      )}
    </>
  );
}
