// The details each mode needs: the cash handed over (and the change, in large type, since it is
// read aloud to the payer), the cheque's four mentions, the card terminal's reference (never
// the card number), the titles handed over line by line, or the transfer's reference.
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { formatEuro, parseEuro } from '../../../shared/money';
import type { FieldErrors, PaymentFields, TitleLineFields } from './payment-draft';
import { paymentMessages as m } from './messages';

type TextField = Exclude<keyof PaymentFields, 'mode' | 'titles'>;

interface Props {
  fields: PaymentFields;
  errors: FieldErrors;
  amountCents: number | null;
  titlesTotalCents: number | null;
  setField(name: TextField, value: string): void;
  setTitles(titles: TitleLineFields[]): void;
}

export function ModeFields(props: Props) {
  switch (props.fields.mode) {
    case 'especes':
      return <CashFields {...props} />;
    case 'cheque':
      return <ChequeFields {...props} />;
    case 'carte':
      return <CardFields {...props} />;
    case 'cesu':
    case 'cheque_vacances':
      return <TitlesFields {...props} mode={props.fields.mode} />;
    case 'virement':
      return (
        <TextInput
          label={m.transferReference}
          value={props.fields.transferReference}
          onChange={(e) => props.setField('transferReference', e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
        />
      );
  }
}

function CashFields({ fields, errors, amountCents, setField }: Props) {
  const tendered = fields.tendered.trim() === '' ? amountCents : parseEuro(fields.tendered);
  const change =
    tendered !== null && amountCents !== null && tendered >= amountCents
      ? tendered - amountCents
      : null;
  return (
    <Stack gap="sm">
      <TextInput
        size="lg"
        label={m.tendered}
        description={m.tenderedHelp}
        value={fields.tendered}
        onChange={(e) => setField('tendered', e.currentTarget.value)}
        error={errors.tendered}
        inputMode="decimal"
        autoComplete="off"
        rightSection={
          <Text c="dark.6" aria-hidden>
            €
          </Text>
        }
        classNames={{ input: 'amount-input' }}
      />
      <div className="change-due" aria-live="polite" data-testid="change-due">
        <span className="change-due-label">{m.change}</span>{' '}
        <span className="change-due-value">{change === null ? '—' : formatEuro(change)}</span>
      </div>
    </Stack>
  );
}

function ChequeFields({ fields, setField }: Props) {
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput
          label={m.bank}
          value={fields.bank}
          onChange={(e) => setField('bank', e.currentTarget.value)}
          autoComplete="off"
        />
        <TextInput
          label={m.chequeNumber}
          description={m.chequeNumberHelp}
          value={fields.chequeNumber}
          onChange={(e) => setField('chequeNumber', e.currentTarget.value)}
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          classNames={{ input: 'code' }}
        />
      </SimpleGrid>
      <TextInput
        label={m.drawer}
        value={fields.drawer}
        onChange={(e) => setField('drawer', e.currentTarget.value)}
        autoComplete="off"
      />
      <TextInput
        label={m.payee}
        description={m.payeeHelp}
        value={fields.payee}
        onChange={(e) => setField('payee', e.currentTarget.value)}
        autoComplete="off"
      />
    </Stack>
  );
}

function CardFields({ fields, setField }: Props) {
  return (
    <Stack gap="sm">
      <Alert
        color="orange"
        variant="outline"
        icon={<IconAlertTriangle aria-hidden />}
        title={m.cardWarningTitle}
        id="avertissement-carte"
      >
        {m.cardWarning}
      </Alert>
      <TextInput
        label={m.terminalReference}
        value={fields.terminalReference}
        onChange={(e) => setField('terminalReference', e.currentTarget.value)}
        autoComplete="off"
        spellCheck={false}
        aria-describedby="avertissement-carte"
        classNames={{ input: 'code' }}
      />
    </Stack>
  );
}

function TitlesFields({
  fields,
  errors,
  titlesTotalCents,
  setTitles,
  mode,
}: Props & { mode: 'cesu' | 'cheque_vacances' }) {
  const lines = fields.titles;
  const update = (i: number, patch: Partial<TitleLineFields>) =>
    setTitles(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <fieldset className="titles-fieldset">
      <legend>{m.titlesLegend(mode)}</legend>
      <Table verticalSpacing={4} horizontalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{m.titleCount}</Table.Th>
            <Table.Th aria-hidden />
            <Table.Th>{m.titleFaceValue}</Table.Th>
            <Table.Th className="amount">{m.titleLineTotal}</Table.Th>
            <Table.Th aria-hidden />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line, i) => {
            const count = Number(line.count);
            const face = parseEuro(line.faceValue);
            const subtotal =
              Number.isInteger(count) && count > 0 && face !== null ? count * face : null;
            return (
              <Table.Tr key={i}>
                <Table.Td w={110}>
                  <TextInput
                    aria-label={`${m.titleCount} (ligne ${i + 1})`}
                    value={line.count}
                    onChange={(e) => update(i, { count: e.currentTarget.value })}
                    inputMode="numeric"
                    autoComplete="off"
                    classNames={{ input: 'amount-input' }}
                  />
                </Table.Td>
                <Table.Td aria-hidden w={20}>
                  ×
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`${m.titleFaceValue} (ligne ${i + 1})`}
                    value={line.faceValue}
                    onChange={(e) => update(i, { faceValue: e.currentTarget.value })}
                    inputMode="decimal"
                    autoComplete="off"
                    rightSection={
                      <Text c="dark.6" aria-hidden>
                        €
                      </Text>
                    }
                    classNames={{ input: 'amount-input' }}
                  />
                </Table.Td>
                <Table.Td className="amount">
                  {subtotal === null ? '—' : formatEuro(subtotal)}
                </Table.Td>
                <Table.Td w={44}>
                  {lines.length > 1 && (
                    <ActionIcon
                      variant="subtle"
                      color="dark"
                      aria-label={m.removeTitleLine(i + 1)}
                      onClick={() => setTitles(lines.filter((_, j) => j !== i))}
                    >
                      <IconTrash aria-hidden size={18} />
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Group justify="space-between" mt="xs">
        <Button
          variant="subtle"
          leftSection={<IconPlus aria-hidden size={16} />}
          onClick={() => setTitles([...lines, { count: '1', faceValue: '' }])}
          disabled={lines.length >= 20}
        >
          {m.addTitleLine}
        </Button>
        <Text fw={700} className="amount" data-testid="titles-total">
          {`${m.titlesTotal}\u00a0: ${formatEuro(titlesTotalCents ?? 0)}`}
        </Text>
      </Group>
      {errors.titles?.map((e) => (
        <Text key={e} c="red.8" fz="sm" role="alert">
          {e}
        </Text>
      ))}
      <Text fz="sm" c="dark.6">
        {m.noChangeOnTitles}
      </Text>
    </fieldset>
  );
}
