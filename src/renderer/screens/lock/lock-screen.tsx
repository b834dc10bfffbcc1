// Shown over the workspace when the core reports the session locked (or the agent stayed idle):
// the same agent types the password again, and the screen underneath comes back untouched.
import { useState, type FormEvent } from 'react';
import { Alert, Button, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import type { SessionView } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { lockMessages as m } from './messages';

export function LockScreen({ session }: { session: SessionView }) {
  const { call, unlocked, logout } = useGuichet();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const r = await call('auth.unlock', { password });
    setBusy(false);
    if (r.ok) {
      setPassword('');
      unlocked(r.value);
    } else {
      setError(r.error.message);
    }
  }

  return (
    <Modal
      opened
      onClose={() => undefined}
      withCloseButton={false}
      closeOnEscape={false}
      closeOnClickOutside={false}
      centered
      size="md"
      title={m.title}
      // Nearly opaque: the family left on screen must not be readable on an unattended counter.
      overlayProps={{ backgroundOpacity: 0.97, blur: 12, color: '#10133a' }}
      styles={{ title: { fontWeight: 700, fontSize: '1.375rem' } }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Text>{m.explanation(session.agent.displayName)}</Text>
          <PasswordInput
            label={m.password}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="current-password"
            data-autofocus
            required
          />
          {error && (
            <Alert color="red" variant="outline" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {m.unlock}
          </Button>
          <Button variant="subtle" onClick={() => void logout(m.loggedOut)}>
            {m.otherAgent}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
