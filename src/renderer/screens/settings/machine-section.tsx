// "Ce poste": the settings of this machine. Fields are text while typed; on saving, only what
// differs from the loaded settings is sent, and the core's French refusal is shown as it is.
import type { FormEvent } from 'react';
import {
  Alert,
  Button,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import {
  receiptFormatLabels,
  receiptFormats,
  type MachineSettings,
  type SettingsView,
} from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { changesOf, draftOf, type MachineDraft as Draft } from './machine-draft';
import { settingsMessages as m } from './messages';
import { useSettingsDraft } from './use-settings-draft';

const mm = m.machine;

/** What the coupons print when no address is set: the portal's address followed by /famille. */
function familyPortalFallback(portalUrl: string): string {
  return portalUrl ? `${portalUrl.replace(/\/+$/, '')}/famille` : '';
}

interface Props {
  settings: MachineSettings;
  editable: boolean;
  onSaved(view: SettingsView): void;
}

export function MachineSection({ settings, editable, onSaved }: Props) {
  const { call } = useGuichet();
  const { draft, setDraft, saving, setSaving, error, setError, done, setDone, field } =
    useSettingsDraft<Draft>(() => draftOf(settings), editable);

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const parsed = changesOf(settings, draft);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    if (Object.keys(parsed.update).length === 0) {
      setDone(m.nothingChanged);
      return;
    }
    setSaving(true);
    const r = await call('settings.update', parsed.update);
    setSaving(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setDraft(draftOf(r.value.machine));
    setDone(m.saved);
    onSaved(r.value);
  }

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label={m.tabs.poste}>
      <Stack gap="lg" maw={900}>
        {!editable && (
          <Alert color="gray" variant="outline" role="note">
            {m.readOnlyMachine}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <TextInput
            label={mm.posteCode}
            description={mm.posteCodeHelp}
            value={settings.posteCode}
            disabled
            readOnly
          />
          <TextInput
            label={mm.posteName}
            description={mm.posteNameHelp}
            data-testid="settings-poste-name"
            data-autofocus
            {...field('posteName')}
          />
          <NativeSelect
            label={mm.receiptFormat}
            data-testid="settings-receipt-format"
            data={receiptFormats.map((f) => ({ value: f, label: receiptFormatLabels[f] }))}
            value={draft.receiptFormat}
            disabled={!editable}
            onChange={(e) => {
              const v = receiptFormats.find((f) => f === e.currentTarget.value);
              if (v) setDraft((d) => ({ ...d, receiptFormat: v }));
            }}
          />
          <TextInput
            label={mm.idleLockSeconds}
            description={mm.idleLockHelp}
            inputMode="numeric"
            data-testid="settings-idle-lock"
            {...field('idleLockSeconds')}
          />
          <TextInput
            label={mm.portalUrl}
            description={mm.portalUrlHelp}
            inputMode="url"
            data-testid="settings-portal-url"
            {...field('portalUrl')}
          />
          <TextInput
            label={mm.updateFeedUrl}
            description={mm.updateFeedUrlHelp}
            inputMode="url"
            data-testid="settings-update-feed"
            {...field('updateFeedUrl')}
          />
        </SimpleGrid>
        <TextInput
          label={mm.backupDir}
          description={mm.backupDirHelp(settings.backupDirConfigured ? '' : settings.backupDir)}
          placeholder={settings.backupDirConfigured ? undefined : settings.backupDir}
          data-testid="settings-backup-dir"
          {...field('backupDir')}
        />

        <div>
          <Title order={3} fz="lg" mb="xs">
            {mm.tillSection}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
            <TextInput
              label={mm.tillToleranceCents}
              description={mm.tillToleranceHelp}
              inputMode="decimal"
              rightSection="€"
              data-testid="settings-till-tolerance"
              {...field('tillToleranceCents')}
            />
            <TextInput
              label={mm.tillFloatCents}
              description={mm.tillFloatHelp}
              inputMode="decimal"
              rightSection="€"
              data-testid="settings-till-float"
              {...field('tillFloatCents')}
            />
            <TextInput
              label={mm.cashCeilingWarnPercent}
              description={mm.cashCeilingWarnHelp}
              inputMode="numeric"
              rightSection="%"
              data-testid="settings-ceiling-warn"
              {...field('cashCeilingWarnPercent')}
            />
          </SimpleGrid>
        </div>

        <div>
          <Title order={3} fz="lg" mb="xs">
            {mm.familySection}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <TextInput
              label={mm.familyPortalUrl}
              description={mm.familyPortalUrlHelp(familyPortalFallback(settings.portalUrl))}
              placeholder={familyPortalFallback(settings.portalUrl) || 'https://famille.ville.fr'}
              inputMode="url"
              data-testid="settings-family-portal-url"
              {...field('familyPortalUrl')}
            />
            <TextInput
              label={mm.accessCodeDays}
              description={mm.accessCodeDaysHelp}
              inputMode="numeric"
              rightSection="j"
              data-testid="settings-access-code-days"
              {...field('accessCodeDays')}
            />
          </SimpleGrid>
        </div>

        <div>
          <Title order={3} fz="lg" mb="xs">
            {mm.bankSection}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <TextInput
              label={mm.bankMissingWorkingDays}
              description={mm.bankMissingWorkingDaysHelp}
              inputMode="numeric"
              rightSection="j"
              data-testid="settings-bank-missing-days"
              {...field('bankMissingWorkingDays')}
            />
          </SimpleGrid>
        </div>

        <div>
          <Title order={3} fz="lg" mb="xs">
            {mm.backupSection}
          </Title>
          <Text fz="sm" c="dark.6" mb="xs">
            {mm.keepHelp}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
            <TextInput
              label={mm.keepDailyBackups}
              inputMode="numeric"
              data-testid="settings-keep-daily"
              {...field('keepDailyBackups')}
            />
            <TextInput
              label={mm.keepClosingBackups}
              inputMode="numeric"
              data-testid="settings-keep-closing"
              {...field('keepClosingBackups')}
            />
          </SimpleGrid>
        </div>

        <div aria-live="polite">
          {error && (
            <Alert color="red" variant="outline" role="alert" data-testid="settings-error">
              {error}
            </Alert>
          )}
          {done && (
            <Alert color="green" variant="outline" role="status" data-testid="settings-done">
              {done}
            </Alert>
          )}
        </div>
        {editable && (
          <Group gap="sm">
            <Button type="submit" size="md" loading={saving} data-testid="settings-save">
              {m.save}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                setDraft(draftOf(settings));
                setError(null);
                setDone(null);
              }}
            >
              {m.reset}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
