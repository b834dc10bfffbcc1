// The state every settings form keeps: the typed draft, saving, the last error and the last
// success message, and the props a text field needs (typing clears the success message).
import { useState } from 'react';

export function useSettingsDraft<D extends object>(initial: () => D, editable: boolean) {
  const [draft, setDraft] = useState<D>(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const field = (key: keyof D & string) => ({
    value: draft[key] as string,
    disabled: !editable,
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setDraft((d) => ({ ...d, [key]: value }));
      setDone(null);
    },
  });
  return { draft, setDraft, saving, setSaving, error, setError, done, setDone, field };
}
