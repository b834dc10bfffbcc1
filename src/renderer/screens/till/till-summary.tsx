// The till in one line for the home screen: open since when with the cash held against the
// ceiling (the agent must see it before taking cash), or closed with the key that opens it.
import { Group, Text, UnstyledButton } from '@mantine/core';
import { IconCash } from '@tabler/icons-react';
import type { CashPosition } from '../../../shared/contract';
import { parisTime, tillMessages as m } from './messages';
import { useTill } from './use-till';

const levelColor = { normal: 'dark.7', alerte: 'orange.8', depasse: 'red.8' } as const;

/** The most pressing régie: the highest level, then the most cash relative to its ceiling. */
function worst(cash: readonly CashPosition[]): CashPosition | null {
  const rank = { normal: 0, alerte: 1, depasse: 2 } as const;
  let best: CashPosition | null = null;
  for (const c of cash) {
    if (
      !best ||
      rank[c.level] > rank[best.level] ||
      (rank[c.level] === rank[best.level] &&
        c.cashHeldCents * best.ceilingCents > best.cashHeldCents * c.ceilingCents)
    ) {
      best = c;
    }
  }
  return best;
}

export function TillSummary({ onOpen }: { onOpen(): void }) {
  const { till } = useTill();
  if (till.state !== 'ready') return null;
  const { session, overnight, cash } = till.status;
  const shown = worst(cash);
  const text = !session
    ? m.homeClosed
    : overnight
      ? m.homeOvernight
      : [
          m.homeOpen(parisTime(session.openedAt)),
          ...(shown ? [m.homeCash(shown.cashHeldCents, shown.ceilingCents)] : []),
        ].join(' · ');
  const color = !session || overnight ? 'orange.8' : shown ? levelColor[shown.level] : 'dark.7';
  return (
    <UnstyledButton
      onClick={onOpen}
      aria-label={`${m.homeLabel} : ${text}`}
      data-testid="till-summary"
    >
      <Group gap="xs" wrap="nowrap">
        <IconCash aria-hidden size={20} />
        <Text fw={600} c={color}>
          {text}
        </Text>
      </Group>
    </UnstyledButton>
  );
}
