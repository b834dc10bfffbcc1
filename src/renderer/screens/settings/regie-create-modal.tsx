// « Nouvelle régie »: the dialog where the régisseur of a commune without a portal creates a
// régie. The code comes first because it cannot change once documents carry it. The dialog
// keeps its draft when the core refuses, shows the French refusal, and closes on success.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import type { RegieCreated } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { useCommandId } from '../till/use-command-id';
import { settingsMessages as m } from './messages';
import { createArgsOf, newRegieDraft, type NewRegieDraft, type RegieDraft } from './regie-draft';
import { RegieFields } from './regie-fields';

const rm = m.regies;

interface Props {
  onClose(): void;
  onCreated(created: RegieCreated): void;
}

export function RegieCreateModal({ onClose, onCreated }: Props) {
  const { call } = useGuichet();
  const commandId = useCommandId();
  const [draft, setDraft] = useState<NewRegieDraft>(newRegieDraft);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const set = <K extends keyof RegieDraft>(key: K, value: RegieDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  // The form is taller than the dialog: a refusal would otherwise stay below the fold when
  // Entrée is pressed in a field at the top.
  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const parsed = createArgsOf(draft);
    if ('error' in parsed) return setError(parsed.error);
    setSaving(true);
    // The same content sent again (an answer lost) reuses the id: the core creates once.
    const r = await call('regies.create', { ...parsed.args, commandId: commandId(parsed.args) });
    setSaving(false);
    if (!r.ok) return setError(r.error.message);
    onCreated(r.value);
  }

  return (
    <Modal
      opened
      onClose={() => !saving && onClose()}
      title={rm.createTitle}
      size="xl"
      closeOnClickOutside={!saving}
      closeOnEscape={!saving}
    >
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={rm.createTitle}>
        <Stack gap="lg">
          <Text fz="sm" c="dark.6">
            {rm.createIntro}
          </Text>
          <TextInput
            label={rm.code}
            description={rm.codeHelp}
            required
            maxLength={5}
            w={{ base: '100%', md: 320 }}
            autoComplete="off"
            value={draft.code}
            onChange={(e) => {
              const code = e.currentTarget.value.toUpperCase();
              setDraft((d) => ({ ...d, code }));
            }}
            data-autofocus
            data-testid="new-regie-code"
          />
          <RegieFields draft={draft} set={set} editable testIdPrefix="new-regie" />
          <div aria-live="polite" ref={errorRef}>
            {error && (
              <Alert color="red" variant="outline" role="alert" data-testid="new-regie-error">
                {error}
              </Alert>
            )}
          </div>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              {rm.cancel}
            </Button>
            <Button type="submit" size="md" loading={saving} data-testid="new-regie-submit">
              {rm.createSubmit}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
