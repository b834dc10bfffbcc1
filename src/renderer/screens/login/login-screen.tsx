// The first screen: the commune and the poste this register serves, then the agent's
// identifiant and mot de passe. Entrée submits; the core's French message is shown as is.
import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Container,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { roleLabels } from '../../../shared/roles';
import { useGuichet } from '../../guichet-context';
import { appMessages } from '../../messages';
import { loginMessages as m } from './messages';

interface Props {
  /** The login to propose, e.g. the régisseur's right after the first start's setup. */
  initialLogin?: string | undefined;
  /** Shown above the fields until the first attempt, e.g. after the setup. */
  welcome?: string | null;
}

export function LoginScreen({ initialLogin, welcome = null }: Props = {}) {
  const { status, call, loggedIn, notice } = useGuichet();
  const [login, setLogin] = useState(initialLogin ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const r = await call('auth.login', { login, password });
    setBusy(false);
    if (r.ok) {
      loggedIn(r.value);
    } else {
      setError(r.error.message);
      setPassword('');
    }
  }

  const commune = status.commune?.name ?? appMessages.noCommune;
  return (
    <Container size={500} py={48}>
      <Stack gap="lg">
        <div>
          <Text fw={800} fz={32} c="institutional.9" component="p">
            {appMessages.appName}
          </Text>
          <Text fz="lg" fw={600} data-testid="login-where">
            {m.where(commune, status.posteCode)}
          </Text>
        </div>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="login-title">
            <Stack>
              <Title order={1} id="login-title" fz="h2">
                {m.title}
              </Title>
              {notice && !error && (
                <Alert color="institutional" variant="outline" role="status">
                  {notice}
                </Alert>
              )}
              {welcome && !notice && !error && (
                <Alert color="green" variant="outline" role="status" data-testid="login-welcome">
                  {welcome}
                </Alert>
              )}
              <TextInput
                label={m.login}
                value={login}
                onChange={(e) => setLogin(e.currentTarget.value)}
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                autoFocus={!initialLogin}
                required
              />
              <PasswordInput
                label={m.password}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                autoComplete="current-password"
                // With the login already filled in, the password is what is left to type.
                autoFocus={Boolean(initialLogin)}
                required
              />
              {error && (
                <Alert color="red" variant="outline" role="alert" data-testid="login-error">
                  {error}
                </Alert>
              )}
              <Button type="submit" loading={busy} fullWidth size="lg">
                {m.submit}
              </Button>
            </Stack>
          </form>
        </Paper>
        {status.commune?.demo && (
          <Paper withBorder p="md" radius="md" aria-labelledby="demo-accounts-title">
            <Title order={2} fz="h3" id="demo-accounts-title" mb={4}>
              {m.demoTitle}
            </Title>
            <Text fz="sm" mb="xs">
              {m.demoIntro}
            </Text>
            <Table fz="sm" verticalSpacing={4}>
              <Table.Tbody>
                {m.demoAccounts.map((a) => (
                  <Table.Tr key={a.login}>
                    <Table.Td className="code" style={{ whiteSpace: 'nowrap' }}>
                      {a.login}
                    </Table.Td>
                    <Table.Td className="code" style={{ whiteSpace: 'nowrap' }}>
                      {a.password}
                    </Table.Td>
                    <Table.Td>{roleLabels[a.role]}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </Stack>
    </Container>
  );
}
