// The first start of an installation: shown instead of the login screen while the database
// holds no commune and no agent (setup.status). One form, at the keyboard: the focus starts on
// the commune's name, Entrée sends from any field, and the core's French refusal is shown
// above the button with everything typed kept (only the passwords are cleared). On success the
// app goes to the login screen with the régisseur's login filled in.
import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Container,
  Fieldset,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DEFAULT_REGISSEUR_LOGIN, type SetupDone } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { appMessages } from '../../messages';
import { setupMessages as m } from './messages';

interface Draft {
  communeName: string;
  addressLine: string;
  postalCode: string;
  city: string;
  posteCode: string;
  posteName: string;
  displayName: string;
  login: string;
  password: string;
  passwordAgain: string;
}

const emptyDraft: Draft = {
  communeName: '',
  addressLine: '',
  postalCode: '',
  city: '',
  posteCode: '',
  posteName: '',
  displayName: '',
  login: DEFAULT_REGISSEUR_LOGIN,
  password: '',
  passwordAgain: '',
};

/** Help texts go under their field, so that two fields side by side keep their inputs level. */
const helpBelow: ('label' | 'input' | 'description' | 'error')[] = [
  'label',
  'input',
  'description',
  'error',
];

function Legend({ children }: { children: string }) {
  return (
    <Text component="span" fw={700} fz="lg" c="institutional.9">
      {children}
    </Text>
  );
}

interface Props {
  /** Called once the core has created everything; `null` when another window already had. */
  onDone(done: SetupDone | null): void;
}

export function SetupScreen({ onDone }: Props) {
  const { call } = useGuichet();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [error, setError] = useState<string | null>(null);
  const [alreadyDone, setAlreadyDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const field = (key: keyof Draft, normalise: (v: string) => string = (v) => v) => ({
    value: draft[key],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = normalise(e.currentTarget.value);
      setDraft((d) => ({ ...d, [key]: value }));
    },
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    if (draft.password !== draft.passwordAgain) {
      setError(m.passwordsDiffer);
      setDraft((d) => ({ ...d, password: '', passwordAgain: '' }));
      return;
    }
    setBusy(true);
    const { passwordAgain: _again, ...args } = draft;
    const r = await call('setup.initialize', args);
    setBusy(false);
    if (r.ok) {
      onDone(r.value);
      return;
    }
    setError(r.error.message);
    setAlreadyDone(r.error.reason === 'DEJA_MIS_EN_SERVICE');
    setDraft((d) => ({ ...d, password: '', passwordAgain: '' }));
  }

  return (
    <Container size={760} py={40}>
      <Stack gap="lg">
        <div>
          <Text fw={800} fz={32} c="institutional.9" component="p">
            {appMessages.appName}
          </Text>
          <Title order={1} id="setup-title" fz="h2">
            {m.title}
          </Title>
        </div>
        <Stack gap={6}>
          <Text>{m.intro}</Text>
          <Text fz="sm" c="dark.6">
            {m.portalHint}
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="setup-title">
            <Stack gap="lg">
              <Fieldset legend={<Legend>{m.communeLegend}</Legend>} variant="unstyled">
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                  <TextInput
                    label={m.communeName}
                    inputWrapperOrder={helpBelow}
                    description={m.communeNameHelp}
                    required
                    autoFocus
                    data-testid="setup-commune-name"
                    {...field('communeName')}
                  />
                  <TextInput
                    label={m.addressLine}
                    required
                    data-testid="setup-address"
                    {...field('addressLine')}
                  />
                  <TextInput
                    label={m.postalCode}
                    required
                    inputMode="numeric"
                    maxLength={5}
                    data-testid="setup-postal-code"
                    {...field('postalCode')}
                  />
                  <TextInput label={m.city} required data-testid="setup-city" {...field('city')} />
                </SimpleGrid>
              </Fieldset>
              <Fieldset legend={<Legend>{m.posteLegend}</Legend>} variant="unstyled">
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                  <TextInput
                    label={m.posteCode}
                    inputWrapperOrder={helpBelow}
                    description={m.posteCodeHelp}
                    required
                    maxLength={8}
                    autoCapitalize="characters"
                    spellCheck={false}
                    data-testid="setup-poste-code"
                    // The core upper-cases the code: shown so as it is typed, no surprise later.
                    {...field('posteCode', (v) => v.toUpperCase())}
                  />
                  <TextInput
                    label={m.posteName}
                    inputWrapperOrder={helpBelow}
                    description={m.posteNameHelp}
                    required
                    data-testid="setup-poste-name"
                    {...field('posteName')}
                  />
                </SimpleGrid>
              </Fieldset>
              <Fieldset legend={<Legend>{m.regisseurLegend}</Legend>} variant="unstyled">
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                  <TextInput
                    label={m.displayName}
                    required
                    autoComplete="name"
                    data-testid="setup-display-name"
                    {...field('displayName')}
                  />
                  <TextInput
                    label={m.login}
                    inputWrapperOrder={helpBelow}
                    description={m.loginHelp}
                    required
                    autoComplete="username"
                    autoCapitalize="none"
                    spellCheck={false}
                    data-testid="setup-login"
                    {...field('login')}
                  />
                  <PasswordInput
                    label={m.password}
                    inputWrapperOrder={helpBelow}
                    description={m.passwordHelp}
                    required
                    autoComplete="new-password"
                    data-testid="setup-password"
                    {...field('password')}
                  />
                  <PasswordInput
                    label={m.passwordAgain}
                    required
                    autoComplete="new-password"
                    data-testid="setup-password-again"
                    {...field('passwordAgain')}
                  />
                </SimpleGrid>
              </Fieldset>
              <div aria-live="polite">
                {error && (
                  <Alert color="red" variant="outline" role="alert" data-testid="setup-error">
                    <Stack gap="sm" align="flex-start">
                      <Text fz="sm">{error}</Text>
                      {alreadyDone && (
                        <Button variant="default" onClick={() => onDone(null)}>
                          {m.alreadyDone}
                        </Button>
                      )}
                    </Stack>
                  </Alert>
                )}
              </div>
              <Button type="submit" loading={busy} size="lg" data-testid="setup-submit">
                {m.submit}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Stack>
    </Container>
  );
}
