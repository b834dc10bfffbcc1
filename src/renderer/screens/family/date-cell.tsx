// A date over its time, in a table cell: the date column stays narrow enough for the actions.
import { Text } from '@mantine/core';
import { formatInstant } from '../../../shared/dates';

/** "23/11/2026" over "à 00:03": the date column stays narrow enough for the actions. */
export function PaymentDate({ instant }: { instant: string }) {
  const [date, time] = formatInstant(instant).split(' à ');
  return (
    <>
      <div>{date}</div>
      {time && (
        <Text fz="sm" c="dark.6">
          {`à ${time}`}
        </Text>
      )}
    </>
  );
}
