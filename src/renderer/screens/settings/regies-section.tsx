// "Régies": the configuration of each régie (modes accepted, ceiling and float, cheque payee,
// PayFiP, DFT account, credits). Open to every agent for reading; the régisseur saves.
import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { agreementModes, type RegieConfig, type SettingsView } from '../../../shared/contract';
import { parseEuro } from '../../../shared/money';
import { paymentModeLabels, paymentModes, type PaymentMode } from '../../../shared/payment-modes';
import { useGuichet } from '../../guichet-context';
import { centsToInput } from '../payment/payment-draft';
import { settingsMessages as m } from './messages';

const rm = m.regies;

interface Draft {
  acceptedModes: PaymentMode[];
  cesuAgreement: boolean;
  chequeVacancesAgreement: boolean;
  cashCeiling: string;
  float: string;
  creditorLabel: string;
  numcli: string;
  payfipSaisie: 'T' | 'X' | 'W';
  dftAccount: string;
  allowCredit: boolean;
  allowDirectDebitPayment: boolean;
}

function draftOf(r: RegieConfig): Draft {
  return {
    acceptedModes: r.acceptedModes,
    // A mode already accepted was accepted under its agreement.
    cesuAgreement: r.acceptedModes.includes('cesu'),
    chequeVacancesAgreement: r.acceptedModes.includes('cheque_vacances'),
    cashCeiling: centsToInput(r.cashCeilingCents),
    float: centsToInput(r.floatCents),
    creditorLabel: r.creditorLabel,
    numcli: r.numcli ?? '',
    payfipSaisie: r.payfipSaisie,
    dftAccount: r.dftAccount ?? '',
    allowCredit: r.allowCredit,
    allowDirectDebitPayment: r.allowDirectDebitPayment,
  };
}

interface Props {
  regies: RegieConfig[];
  editable: boolean;
  onSaved(view: SettingsView): void;
}

export function RegiesSection({ regies, editable, onSaved }: Props) {
  const [regieId, setRegieId] = useState<number | null>(regies[0]?.regieId ?? null);
  const regie = regies.find((r) => r.regieId === regieId) ?? null;
  if (!regie) return <Text>{rm.none}</Text>;
  return (
    <Stack gap="lg" maw={900}>
      {!editable && (
        <Alert color="gray" variant="outline" role="note">
          {m.readOnlyRegies}
        </Alert>
      )}
      {regies.length > 1 && (
        <div>
          <Text component="span" fw={500} id="regie-choisie" display="block" mb={4}>
            {rm.choose}
          </Text>
          <SegmentedControl
            aria-labelledby="regie-choisie"
            value={String(regie.regieId)}
            onChange={(v) => setRegieId(Number(v))}
            data={regies.map((r) => ({ value: String(r.regieId), label: `${r.code} — ${r.name}` }))}
          />
        </div>
      )}
      {/* A fresh form per régie: the draft of one must not leak into another. */}
      <RegieForm key={regie.regieId} regie={regie} editable={editable} onSaved={onSaved} />
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
  const [draft, setDraft] = useState<Draft>(() => draftOf(regie));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setDone(null);
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const ceiling = parseEuro(draft.cashCeiling);
    const float = parseEuro(draft.float);
    if (ceiling === null) return setError(m.badEuro(rm.cashCeilingCents));
    if (float === null) return setError(m.badEuro(rm.floatCents));
    setSaving(true);
    const r = await call('regies.update', {
      regieId: regie.regieId,
      acceptedModes: draft.acceptedModes,
      cesuAgreement: draft.cesuAgreement,
      chequeVacancesAgreement: draft.chequeVacancesAgreement,
      cashCeilingCents: ceiling,
      floatCents: float,
      creditorLabel: draft.creditorLabel,
      numcli: draft.numcli.trim() === '' ? null : draft.numcli,
      payfipSaisie: draft.payfipSaisie,
      dftAccount: draft.dftAccount.trim() === '' ? null : draft.dftAccount,
      allowCredit: draft.allowCredit,
      allowDirectDebitPayment: draft.allowDirectDebitPayment,
    });
    setSaving(false);
    if (!r.ok) return setError(r.error.message);
    setDone(m.saved);
    onSaved(r.value);
  }

  const agreement = (mode: PaymentMode) =>
    mode === 'cesu'
      ? { key: 'cesuAgreement' as const, label: rm.cesuAgreement }
      : mode === 'cheque_vacances'
        ? { key: 'chequeVacancesAgreement' as const, label: rm.chequeVacancesAgreement }
        : null;

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label={`${rm.choose} ${regie.code}`}>
      <Stack gap="lg">
        {/* Plain checkboxes, not Checkbox.Group: the agreement boxes nested under a mode
            would otherwise be taken for modes themselves. */}
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <Text component="legend" fw={500} fz="sm" mb="xs">
            {rm.modes}
          </Text>
          <Stack gap={6}>
            {paymentModes.map((mode) => {
              const a = (agreementModes as readonly PaymentMode[]).includes(mode)
                ? agreement(mode)
                : null;
              const accepted = draft.acceptedModes.includes(mode);
              return (
                <div key={mode}>
                  <Checkbox
                    label={paymentModeLabels[mode]}
                    checked={accepted}
                    disabled={!editable}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      set(
                        'acceptedModes',
                        paymentModes.filter((p) =>
                          p === mode ? on : draft.acceptedModes.includes(p),
                        ),
                      );
                    }}
                    data-testid={`regie-mode-${mode}`}
                  />
                  {a && accepted && (
                    <Checkbox
                      ml="xl"
                      mt={4}
                      label={a.label}
                      checked={draft[a.key]}
                      disabled={!editable}
                      onChange={(e) => set(a.key, e.currentTarget.checked)}
                      data-testid={`regie-agreement-${mode}`}
                    />
                  )}
                </div>
              );
            })}
          </Stack>
        </fieldset>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <TextInput
            label={rm.cashCeilingCents}
            inputMode="decimal"
            rightSection="€"
            value={draft.cashCeiling}
            disabled={!editable}
            onChange={(e) => set('cashCeiling', e.currentTarget.value)}
            data-testid="regie-ceiling"
          />
          <TextInput
            label={rm.floatCents}
            inputMode="decimal"
            rightSection="€"
            value={draft.float}
            disabled={!editable}
            onChange={(e) => set('float', e.currentTarget.value)}
            data-testid="regie-float"
          />
          <TextInput
            label={rm.creditorLabel}
            value={draft.creditorLabel}
            disabled={!editable}
            onChange={(e) => set('creditorLabel', e.currentTarget.value)}
            data-testid="regie-creditor"
          />
          <TextInput
            label={rm.dftAccount}
            value={draft.dftAccount}
            disabled={!editable}
            onChange={(e) => set('dftAccount', e.currentTarget.value)}
            data-testid="regie-dft"
          />
          <TextInput
            label={rm.numcli}
            description={rm.numcliHelp}
            inputMode="numeric"
            maxLength={6}
            value={draft.numcli}
            disabled={!editable}
            onChange={(e) => set('numcli', e.currentTarget.value)}
            data-testid="regie-numcli"
          />
          <NativeSelect
            label={rm.payfipSaisie}
            value={draft.payfipSaisie}
            disabled={!editable}
            data={(['T', 'X', 'W'] as const).map((v) => ({ value: v, label: rm.payfipModes[v] }))}
            onChange={(e) => {
              const v = (['T', 'X', 'W'] as const).find((x) => x === e.currentTarget.value);
              if (v) set('payfipSaisie', v);
            }}
            data-testid="regie-payfip"
          />
        </SimpleGrid>
        <Stack gap="xs">
          <Switch
            label={rm.allowCredit}
            checked={draft.allowCredit}
            disabled={!editable}
            onChange={(e) => set('allowCredit', e.currentTarget.checked)}
          />
          <Switch
            label={rm.allowDirectDebitPayment}
            checked={draft.allowDirectDebitPayment}
            disabled={!editable}
            onChange={(e) => set('allowDirectDebitPayment', e.currentTarget.checked)}
          />
        </Stack>
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
