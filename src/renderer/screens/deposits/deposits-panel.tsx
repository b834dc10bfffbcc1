// SKELETON written by the lead so the office screen compiles; the owner of this panel replaces it.
import { Text } from '@mantine/core';
import type { SessionView } from '../../../shared/contract';

export function DepositsPanel({ session }: { session: SessionView }) {
  return <Text>{session.agent.displayName}</Text>;
}
