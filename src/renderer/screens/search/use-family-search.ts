// Search as you type: each keystroke restarts a short debounce, and an answer that arrives after
// a newer query was sent is dropped, so the list always matches what is in the box.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FamilySearchHit } from '../../../shared/contract';
import { useGuichet } from '../../guichet-context';

export const SEARCH_DEBOUNCE_MS = 120;
export const SEARCH_MIN_CHARS = 2;
export const SEARCH_LIMIT = 20;

interface Answer {
  /** The trimmed query these hits answer. */
  query: string;
  hits: FamilySearchHit[];
  error: string | null;
}

export interface FamilySearch {
  query: string;
  setQuery(q: string): void;
  /** The latest answer, even if it is for an older query (kept on screen while typing). */
  answer: Answer | null;
  /** True while the box holds a query whose answer has not arrived yet. */
  pending: boolean;
  tooShort: boolean;
  selected: number;
  setSelected(i: number): void;
  /**
   * Sends the current query again. Called when the agent comes back to the search: a payment or
   * a cancellation made meanwhile changed what the families owe, and the list must not show the
   * old "Reste dû".
   */
  refresh(): void;
}

export function useFamilySearch(): FamilySearch {
  const { call } = useGuichet();
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [selected, setSelected] = useState(0);
  const [refreshes, setRefreshes] = useState(0);
  const latest = useRef(0);
  // The query of the answer on screen: a refresh of the same query keeps the agent's selection.
  const answered = useRef<string | null>(null);
  const trimmed = query.trim();
  const tooShort = trimmed.length < SEARCH_MIN_CHARS;

  useEffect(() => {
    const id = ++latest.current;
    if (tooShort) return;
    const timer = setTimeout(() => {
      void call('families.search', { query: trimmed, limit: SEARCH_LIMIT }).then((r) => {
        if (id !== latest.current) return;
        setAnswer(
          r.ok
            ? { query: trimmed, hits: r.value, error: null }
            : { query: trimmed, hits: [], error: r.error.message },
        );
        const sameQuery = answered.current === trimmed;
        answered.current = trimmed;
        setSelected((s) =>
          sameQuery ? Math.max(0, Math.min(s, r.ok ? r.value.length - 1 : 0)) : 0,
        );
      });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [trimmed, tooShort, call, refreshes]);

  const refresh = useCallback(() => setRefreshes((n) => n + 1), []);

  return {
    query,
    setQuery,
    answer: tooShort ? null : answer,
    pending: !tooShort && answer?.query !== trimmed,
    tooShort,
    selected,
    setSelected,
    refresh,
  };
}
