// The counting grid: one number per note and coin, largest first, notes then coins, with the
// subtotal of each line and the total computed as the agent types. Entrée moves to the next
// line like Tab, so a count is typed with the numeric keypad alone; Entrée on the last line
// hands over to the screen (usually to its submit button).
import { useRef } from 'react';
import { Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { denominations, type DenominationKey } from '../../../shared/contract';
import { formatEuro } from '../../../shared/money';
import { liveTotal, type CountFields } from './cash-count';
import { tillMessages as m } from './messages';

interface Props {
  /** Prefix of the inputs' ids and test ids, unique per screen. */
  idPrefix: string;
  fields: CountFields;
  invalid: readonly DenominationKey[];
  onChange(fields: CountFields): void;
  /** Entrée on the last line. */
  onDone(): void;
  autoFocus?: boolean;
}

const notes = denominations.filter((d) => d.cents >= 500);
const coins = denominations.filter((d) => d.cents < 500);

export function DenominationGrid({
  idPrefix,
  fields,
  invalid,
  onChange,
  onDone,
  autoFocus,
}: Props) {
  const inputs = useRef(new Map<DenominationKey, HTMLInputElement>());
  const total = liveTotal(fields);

  function next(key: DenominationKey) {
    const i = denominations.findIndex((d) => d.key === key);
    const following = denominations[i + 1];
    if (!following) {
      onDone();
      return;
    }
    const input = inputs.current.get(following.key);
    input?.focus();
    input?.select();
  }

  function column(title: string, list: typeof notes) {
    return (
      <Stack gap={6}>
        <Title order={3} fz="md">
          {title}
        </Title>
        {list.map((d, i) => {
          const text = fields[d.key].trim();
          const count = /^\d{1,6}$/.test(text) ? Number(text) : 0;
          const bad = invalid.includes(d.key);
          return (
            <Group key={d.key} gap="sm" wrap="nowrap" align="flex-start">
              <Text component="label" htmlFor={`${idPrefix}-${d.key}`} w={130} pt={8} fw={600}>
                {d.label.replace(/^(Billet|Pièce) de /, '')}
              </Text>
              <TextInput
                id={`${idPrefix}-${d.key}`}
                ref={(el) => {
                  if (el) inputs.current.set(d.key, el);
                  else inputs.current.delete(d.key);
                }}
                aria-label={m.countLabel(d.label)}
                data-testid={`${idPrefix}-${d.key}`}
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                w={110}
                size="md"
                autoFocus={autoFocus && i === 0 && d.cents >= 500 && d.key === 'b500'}
                value={fields[d.key]}
                error={bad ? m.countInvalid : undefined}
                onChange={(e) => onChange({ ...fields, [d.key]: e.currentTarget.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    next(d.key);
                  }
                }}
              />
              <Text pt={8} ta="right" w={110} c={count ? undefined : 'dark.3'}>
                {formatEuro(count * d.cents)}
              </Text>
            </Group>
          );
        })}
      </Stack>
    );
  }

  return (
    <Stack gap="sm" role="group" aria-label={m.gridLabel}>
      <Text fz="sm" c="dark.6">
        {m.gridHelp}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
        {column(m.gridNotes, notes)}
        {column(m.gridCoins, coins)}
      </SimpleGrid>
      <Group gap="md" align="baseline" aria-live="polite">
        <Text fw={600} fz="lg">
          {m.total}
        </Text>
        <Text fw={800} fz={32} data-testid={`${idPrefix}-total`}>
          {formatEuro(total)}
        </Text>
      </Group>
    </Stack>
  );
}
