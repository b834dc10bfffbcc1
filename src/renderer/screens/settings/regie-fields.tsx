// The fields of a régie, shared by the form that changes one and the dialog that creates one:
// its identity as printed on receipts and coupons, then how it collects (modes and their
// agreements, ceiling and float, cheque payee, PayFiP, DFT account, credits).
import {
  Checkbox,
  NativeSelect,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { agreementModes } from '../../../shared/contract';
import { paymentModeLabels, paymentModes, type PaymentMode } from '../../../shared/payment-modes';
import { settingsMessages as m } from './messages';
import type { RegieDraft } from './regie-draft';

const rm = m.regies;

interface Props {
  draft: RegieDraft;
  set<K extends keyof RegieDraft>(key: K, value: RegieDraft[K]): void;
  editable: boolean;
  /** Makes the test ids unique when the dialog is open above the form of a régie. */
  testIdPrefix: string;
}

export function RegieFields({ draft, set, editable, testIdPrefix: p }: Props) {
  const agreement = (mode: PaymentMode) =>
    mode === 'cesu'
      ? { key: 'cesuAgreement' as const, label: rm.cesuAgreement }
      : mode === 'cheque_vacances'
        ? { key: 'chequeVacancesAgreement' as const, label: rm.chequeVacancesAgreement }
        : null;

  return (
    <Stack gap="lg">
      <div>
        <Title order={3} fz="lg">
          {rm.identity}
        </Title>
        <Text fz="sm" c="dark.6" mb="xs">
          {rm.identityHelp}
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <TextInput
            label={rm.name}
            placeholder={rm.namePlaceholder}
            required
            value={draft.name}
            disabled={!editable}
            onChange={(e) => set('name', e.currentTarget.value)}
            data-testid={`${p}-name`}
          />
          <TextInput
            label={rm.serviceName}
            placeholder={rm.servicePlaceholder}
            required
            value={draft.serviceName}
            disabled={!editable}
            onChange={(e) => set('serviceName', e.currentTarget.value)}
            data-testid={`${p}-service-name`}
          />
          <TextInput
            label={rm.serviceAddress}
            placeholder={rm.serviceAddressPlaceholder}
            required
            value={draft.serviceAddress}
            disabled={!editable}
            onChange={(e) => set('serviceAddress', e.currentTarget.value)}
            data-testid={`${p}-service-address`}
          />
          <TextInput
            label={rm.servicePhone}
            description={rm.servicePhoneHelp}
            inputMode="tel"
            value={draft.servicePhone}
            disabled={!editable}
            onChange={(e) => set('servicePhone', e.currentTarget.value)}
            data-testid={`${p}-service-phone`}
          />
        </SimpleGrid>
      </div>

      <Title order={3} fz="lg">
        {rm.configuration}
      </Title>
      {/* Plain checkboxes, not Checkbox.Group: the agreement boxes nested under a mode would
          otherwise be taken for modes themselves. */}
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
                      paymentModes.filter((x) =>
                        x === mode ? on : draft.acceptedModes.includes(x),
                      ),
                    );
                  }}
                  data-testid={`${p}-mode-${mode}`}
                />
                {a && accepted && (
                  <Checkbox
                    ml="xl"
                    mt={4}
                    label={a.label}
                    checked={draft[a.key]}
                    disabled={!editable}
                    onChange={(e) => set(a.key, e.currentTarget.checked)}
                    data-testid={`${p}-agreement-${mode}`}
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
          data-testid={`${p}-ceiling`}
        />
        <TextInput
          label={rm.floatCents}
          inputMode="decimal"
          rightSection="€"
          value={draft.float}
          disabled={!editable}
          onChange={(e) => set('float', e.currentTarget.value)}
          data-testid={`${p}-float`}
        />
        <TextInput
          label={rm.creditorLabel}
          description={rm.creditorHelp}
          required
          value={draft.creditorLabel}
          disabled={!editable}
          onChange={(e) => set('creditorLabel', e.currentTarget.value)}
          data-testid={`${p}-creditor`}
        />
        <TextInput
          label={rm.dftAccount}
          value={draft.dftAccount}
          disabled={!editable}
          onChange={(e) => set('dftAccount', e.currentTarget.value)}
          data-testid={`${p}-dft`}
        />
        <TextInput
          label={rm.numcli}
          description={rm.numcliHelp}
          inputMode="numeric"
          maxLength={6}
          value={draft.numcli}
          disabled={!editable}
          onChange={(e) => set('numcli', e.currentTarget.value)}
          data-testid={`${p}-numcli`}
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
          data-testid={`${p}-payfip`}
        />
      </SimpleGrid>
      <Stack gap="xs">
        <Switch
          label={rm.allowCredit}
          checked={draft.allowCredit}
          disabled={!editable}
          onChange={(e) => set('allowCredit', e.currentTarget.checked)}
          data-testid={`${p}-allow-credit`}
        />
        <Switch
          label={rm.allowDirectDebitPayment}
          checked={draft.allowDirectDebitPayment}
          disabled={!editable}
          onChange={(e) => set('allowDirectDebitPayment', e.currentTarget.checked)}
          data-testid={`${p}-allow-direct-debit`}
        />
      </Stack>
    </Stack>
  );
}
