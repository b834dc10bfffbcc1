// Start-up and the frame of every screen: pick the transport, read the commune's status, then
// show the login screen or the workspace, with the demo banner above everything and the lock
// screen over the workspace when the session is locked.
import { useEffect, useState } from 'react';
import { Alert, Button, Center, Container, Loader, Stack, Text } from '@mantine/core';
import { createClient, type Client } from '../shared/client';
import type { AppStatus } from '../shared/contract';
import { DemoBanner } from './components/demo-banner';
import { GuichetProvider, useGuichet } from './guichet-context';
import { appMessages } from './messages';
import { LockScreen } from './screens/lock/lock-screen';
import { LoginScreen } from './screens/login/login-screen';
import { pickTransport } from './transport';
import { Workspace } from './workspace';

type Boot =
  { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; status: AppStatus };

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

  useEffect(() => {
    if (!('client' in setup)) return;
    let cancelled = false;
    void setup.client.send('system.status', {}).then((r) => {
      if (cancelled) return;
      setBoot(
        r.ok ? { kind: 'ready', status: r.value } : { kind: 'failed', message: r.error.message },
      );
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
      <Shell />
    </GuichetProvider>
  );
}

function Shell() {
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
      ) : (
        <LoginScreen />
      )}
    </>
  );
}
