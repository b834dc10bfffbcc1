// The poste's sync status, asked of the core every few seconds. Each place that shows it (the
// header's widget, the settings' Portail tab) polls on its own: a status read costs one small
// SQLite query, and keeping the two in step through a shared store would buy nothing visible.
import { useCallback, useEffect, useState } from 'react';
import type { SyncStatus } from '../../shared/contract';
import { useGuichet } from '../guichet-context';

export const SYNC_STATUS_REFRESH_MS = 10_000;

export function useSyncStatus(): {
  status: SyncStatus | null;
  /** Replaces the shown status with a fresher one (e.g. the answer of sync.now). */
  setStatus: (s: SyncStatus) => void;
  /** Set when the first read failed and nothing could be shown. */
  loadError: string | null;
} {
  const { call } = useGuichet();
  const [status, setStatusState] = useState<SyncStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const load = async () => {
      const r = await call('sync.status', {});
      if (!alive) return;
      if (r.ok) {
        setStatusState(r.value);
        setLoadError(null);
      } else setLoadError(r.error.message);
    };
    const first = setTimeout(() => void load(), 0);
    const timer = setInterval(() => void load(), SYNC_STATUS_REFRESH_MS);
    return () => {
      alive = false;
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [call]);

  const setStatus = useCallback((s: SyncStatus) => setStatusState(s), []);
  return { status, setStatus, loadError };
}
