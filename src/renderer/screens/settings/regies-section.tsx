// "Régies": the configuration of each régie (identity printed on documents, modes accepted,
// ceiling and float, cheque payee, PayFiP, DFT account, credits), and « Nouvelle régie » for a
// commune without a portal. Open to every agent for reading; the régisseur saves and creates.
import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import type { RegieConfig, SettingsView } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';
import { settingsMessages as m } from './messages';
import { RegieCreateModal } from './regie-create-modal';
import { regieDraftOf, updateArgsOf, type RegieDraft } from './regie-draft';
import { RegieFields } from './regie-fields';

const rm = m.regies;

interface Props {
  regies: RegieConfig[];
  editable: boolean;
  onSaved(view: SettingsView): void;
}

export function RegiesSection({ regies, editable, onSaved }: Props) {
  const [regieId, setRegieId] = useState<number | null>(regies[0]?.regieId ?? null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const regie = regies.find((r) => r.regieId === regieId) ?? regies[0] ?? null;
  return (
    <Stack gap="lg" maw={900}>
      {!editable && (
        <Alert color="gray" variant="outline" role="note">
          {m.readOnlyRegies}
        </Alert>
      )}
      <Group justify={regies.length > 1 ? 'space-between' : 'flex-start'} align="flex-end">
        {regies.length > 1 && (
          <div>
            <Text component="span" fw={500} id="regie-choisie" display="block" mb={4}>
              {rm.choose}
            </Text>
            <SegmentedControl
              aria-labelledby="regie-choisie"
              value={regie ? String(regie.regieId) : ''}
              onChange={(v) => {
                setRegieId(Number(v));
                setCreated(null);
              }}
              data={regies.map((r) => ({
                value: String(r.regieId),
                label: `${r.code} — ${r.name}`,
              }))}
            />
          </div>
        )}
        {editable && (
          <Button
            variant="light"
            leftSection={<IconPlus aria-hidden size={18} />}
            onClick={() => setCreating(true)}
            data-testid="regie-create"
          >
            {rm.create}
          </Button>
        )}
      </Group>
      {created && (
        <Alert color="green" variant="outline" role="status" data-testid="regie-created">
          {created}
        </Alert>
      )}
      {regie ? (
        // A fresh form per régie: the draft of one must not leak into another.
        <RegieForm key={regie.regieId} regie={regie} editable={editable} onSaved={onSaved} />
      ) : (
        <Text data-testid="regies-none">{editable ? rm.noneCreate : rm.none}</Text>
      )}
      {creating && (
        <RegieCreateModal
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setRegieId(c.regieId);
            const r = c.view.regies.find((x) => x.regieId === c.regieId);
            setCreated(r ? rm.created(r.code, r.name) : null);
            onSaved(c.view);
          }}
        />
      )}
    </Stack>
  );
}

function RegieForm({
  regie,
  editable,
  onSaved,
}: {
  regie: RegieConfig;
  editable: boolean;
  onSaved(view: SettingsView): void;
}) {
  const { call } = useGuichet();
  const [draft, setDraft] = useState<RegieDraft>(() => regieDraftOf(regie));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = <K extends keyof RegieDraft>(key: K, value: RegieDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setDone(null);
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const parsed = updateArgsOf(regie.regieId, draft);
    if ('error' in parsed) return setError(parsed.error);
    setSaving(true);
    const r = await call('regies.update', parsed.args);
    setSaving(false);
    if (!r.ok) return setError(r.error.message);
    setDone(m.saved);
    onSaved(r.value);
  }

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label={`${rm.choose} ${regie.code}`}>
      <Stack gap="lg">
        <RegieFields draft={draft} set={set} editable={editable} testIdPrefix="regie" />
        <div aria-live="polite">
          {error && (
            <Alert color="red" variant="outline" role="alert" data-testid="regie-error">
              {error}
            </Alert>
          )}
          {done && (
            <Alert color="green" variant="outline" role="status">
              {done}
            </Alert>
          )}
        </div>
        {editable && (
          <Group>
            <Button type="submit" size="md" loading={saving} data-testid="regie-save">
              {m.save}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
