// The printers of this poste: the receipt printer (80 mm tickets), the A4 printer (A5 receipts,
// Z reports, slips) and whether documents go out without the system's print dialog. In the
// desktop application the choice is made from the printers Windows knows (names as the system
// spells them, which is what printing needs); a printer that has disappeared stays visible, with
// a warning, rather than being silently replaced. In browser mode the names are typed.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import type { PrinterSummary } from '../../desktop/shell-bridge';
import { printingMessages } from '../../printing/messages';
import { listPrinters } from '../../printing/print-document';
import { choiceOf, isMissing, printerChoices, settingOf } from '../../printing/printer-choices';

const m = printingMessages.settings;

export interface PrinterSettingsValue {
  printerReceipt: string;
  printerA4: string;
  printSilent: boolean;
}

interface Props {
  value: PrinterSettingsValue;
  onChange(value: PrinterSettingsValue): void;
  disabled: boolean;
}

type Printers =
  | { state: 'loading' }
  | { state: 'listed'; printers: PrinterSummary[] }
  | { state: 'typed'; note: string };

function PrinterField(props: {
  label: string;
  help: string;
  value: string;
  printers: Printers;
  disabled: boolean;
  onChange(name: string): void;
  testId: string;
}) {
  const { printers } = props;
  if (printers.state !== 'listed') {
    return (
      <TextInput
        label={props.label}
        description={`${props.help} ${m.typedHelp}`}
        value={props.value}
        disabled={props.disabled || printers.state === 'loading'}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        data-testid={props.testId}
      />
    );
  }
  const missing = isMissing(printers.printers, props.value);
  return (
    <Stack gap={4}>
      <Select
        label={props.label}
        description={props.help}
        data={printerChoices(printers.printers, props.value)}
        value={choiceOf(props.value)}
        allowDeselect={false}
        disabled={props.disabled}
        onChange={(v) => props.onChange(settingOf(v))}
        data-testid={props.testId}
      />
      {missing && (
        <Text fz="sm" c="orange.9" role="status">
          {m.missingWarning}
        </Text>
      )}
    </Stack>
  );
}

export function PrinterSection({ value, onChange, disabled }: Props) {
  const [printers, setPrinters] = useState<Printers>({ state: 'loading' });

  const load = useCallback(async () => {
    setPrinters({ state: 'loading' });
    const r = await listPrinters();
    setPrinters(
      r.ok ? { state: 'listed', printers: r.printers } : { state: 'typed', note: r.message },
    );
  }, []);

  useEffect(() => {
    let live = true;
    void listPrinters().then((r) => {
      if (!live) return;
      setPrinters(
        r.ok ? { state: 'listed', printers: r.printers } : { state: 'typed', note: r.message },
      );
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <Stack gap="md" maw={560}>
      {printers.state === 'loading' && (
        <Text fz="sm" role="status">
          {m.loading}
        </Text>
      )}
      {printers.state === 'typed' && (
        <Alert color="gray" variant="outline" role="note">
          {printers.note}
        </Alert>
      )}
      <PrinterField
        label={m.receipt}
        help={m.receiptHelp}
        value={value.printerReceipt}
        printers={printers}
        disabled={disabled}
        onChange={(printerReceipt) => onChange({ ...value, printerReceipt })}
        testId="settings-printer-receipt"
      />
      <PrinterField
        label={m.a4}
        help={m.a4Help}
        value={value.printerA4}
        printers={printers}
        disabled={disabled}
        onChange={(printerA4) => onChange({ ...value, printerA4 })}
        testId="settings-printer-a4"
      />
      <Checkbox
        label={m.silent}
        description={m.silentHelp}
        checked={value.printSilent}
        disabled={disabled}
        onChange={(e) => onChange({ ...value, printSilent: e.currentTarget.checked })}
        data-testid="settings-print-silent"
      />
      {printers.state === 'listed' && (
        <Group>
          <Button
            variant="default"
            leftSection={<IconRefresh aria-hidden size={16} />}
            onClick={() => void load()}
          >
            {m.refresh}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
