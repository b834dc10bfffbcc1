// A command's id is drawn once per submitted content: sending the same content again (after a
// lost answer) reuses it, so the core replays the first result instead of acting twice, and
// any change to the content is a new command.
import { useCallback, useRef } from 'react';

export function useCommandId(): (content: unknown) => string {
  const last = useRef<{ key: string; id: string } | null>(null);
  return useCallback((content: unknown) => {
    const key = JSON.stringify(content);
    if (last.current?.key !== key) last.current = { key, id: crypto.randomUUID() };
    return last.current.id;
  }, []);
}
