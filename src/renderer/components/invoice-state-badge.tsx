import { Badge } from '@mantine/core';
import { invoiceStateLabels, type InvoiceState } from '../../shared/invoice-state';
import { stateBadge } from '../screens/family/messages';

export function InvoiceStateBadge({ state }: { state: InvoiceState }) {
  const style = stateBadge[state];
  return (
    <Badge
      color={style.color}
      variant={style.variant}
      size="lg"
      radius="sm"
      tt="none"
      fw={700}
      data-state={state}
      // Never shortened to "En tréso…": a state must be read whole, even in a narrow column.
      miw="max-content"
    >
      {invoiceStateLabels[state]}
    </Badge>
  );
}
