// "Commune": the identity every document prints, for a commune without a portal. An empty
// commune starts as « Commune à configurer »: the tab says so until it is filled in. The
// régisseur saves; the core refuses on a poste enrolled to a portal and says why.
import type { FormEvent } from 'react';
import { Alert, Button, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { CommuneIdentity, Input, SettingsView } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { settingsMessages as m } from './messages';
import { useSettingsDraft } from './use-settings-draft';

const cm = m.commune;

type Draft = Record<keyof CommuneIdentity, string>;

function draftOf(c: CommuneIdentity): Draft {
  return { ...c, siret: c.siret ?? '', phone: c.phone ?? '' };
}

/** What the core expects: trimmed text, an empty optional field as null. */
export function communeArgsOf(d: Draft): Input<'commune.update'> {
  const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    name: d.name.trim(),
    addressLine: d.addressLine.trim(),
    postalCode: d.postalCode.trim(),
    city: d.city.trim(),
    siret: orNull(d.siret),
    phone: orNull(d.phone),
  };
}

/** The values the empty commune is seeded with (see core/demo/seed.ts). */
const placeholderNames = ['Commune à configurer', 'Commune'];

interface Props {
  commune: CommuneIdentity;
  editable: boolean;
  onSaved(view: SettingsView): void;
}

export function CommuneSection({ commune, editable, onSaved }: Props) {
  const { call } = useGuichet();
  const { draft, setDraft, saving, setSaving, error, setError, done, setDone, field } =
    useSettingsDraft<Draft>(() => draftOf(commune), editable);

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    setSaving(true);
    const r = await call('commune.update', communeArgsOf(draft));
    setSaving(false);
    if (!r.ok) return setError(r.error.message);
    setDraft(draftOf(r.value.commune));
    setDone(m.saved);
    onSaved(r.value);
  }

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label={m.tabs.commune}>
      <Stack gap="lg" maw={900}>
        {!editable && (
          <Alert color="gray" variant="outline" role="note">
            {cm.readOnly}
          </Alert>
        )}
        {placeholderNames.includes(commune.name) && (
          <Alert color="orange" variant="outline" role="note" data-testid="commune-to-configure">
            {cm.toConfigure}
          </Alert>
        )}
        <Text fz="sm" c="dark.6">
          {cm.intro} {cm.fromPortal}
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <TextInput
            label={cm.name}
            required
            data-autofocus
            data-testid="commune-name"
            {...field('name')}
          />
          <TextInput
            label={cm.addressLine}
            required
            data-testid="commune-address"
            {...field('addressLine')}
          />
          <TextInput
            label={cm.postalCode}
            required
            inputMode="numeric"
            maxLength={5}
            data-testid="commune-postal-code"
            {...field('postalCode')}
          />
          <TextInput label={cm.city} required data-testid="commune-city" {...field('city')} />
          <TextInput
            label={cm.siret}
            description={cm.siretHelp}
            inputMode="numeric"
            data-testid="commune-siret"
            {...field('siret')}
          />
          <TextInput
            label={cm.phone}
            description={cm.phoneHelp}
            inputMode="tel"
            data-testid="commune-phone"
            {...field('phone')}
          />
        </SimpleGrid>
        <div aria-live="polite">
          {error && (
            <Alert color="red" variant="outline" role="alert" data-testid="commune-error">
              {error}
            </Alert>
          )}
          {done && (
            <Alert color="green" variant="outline" role="status" data-testid="commune-done">
              {done}
            </Alert>
          )}
        </div>
        {editable && (
          <Group>
            <Button type="submit" size="md" loading={saving} data-testid="commune-save">
              {m.save}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
