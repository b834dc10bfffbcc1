// The renderer's link to the core, shared by every screen: the typed client, the commune's
// status, the agent's session and the idle lock. Screens call `call()`; when the core answers
// that the session is locked, the call waits for the lock screen to be passed and is then sent
// again, so the screen underneath keeps its state and simply gets its answer late.
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { Client } from '../shared/client';
import type { AppStatus, HandlerName, Input, Output, SessionView } from '../shared/contract';
import type { Result } from '../shared/result';

export interface Guichet {
  status: AppStatus;
  session: SessionView | null;
  locked: boolean;
  /** Message shown on the login screen after a logout or an expired session. */
  notice: string | null;
  call<K extends HandlerName>(name: K, args: Input<K>): Promise<Result<Output<K>>>;
  loggedIn(session: SessionView): void;
  /** Shows the lock screen now (idle timer), without waiting for the core to refuse a call. */
  lock(): void;
  unlocked(session: SessionView): void;
  logout(notice?: string): Promise<void>;
}

const GuichetContext = createContext<Guichet | null>(null);

export function useGuichet(): Guichet {
  const g = useContext(GuichetContext);
  if (!g) throw new Error('useGuichet hors de GuichetProvider');
  return g;
}

interface ProviderProps {
  client: Client;
  status: AppStatus;
  sessionExpiredMessage: string;
  children: ReactNode;
}

export function GuichetProvider({
  client,
  status,
  sessionExpiredMessage,
  children,
}: ProviderProps) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [locked, setLocked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // Calls waiting behind the lock screen: resolved with true once unlocked, false on logout.
  const waiters = useRef<((unlocked: boolean) => void)[]>([]);

  const release = useCallback((unlocked: boolean) => {
    const pending = waiters.current;
    waiters.current = [];
    for (const w of pending) w(unlocked);
  }, []);

  const endSession = useCallback(
    (message: string | null) => {
      client.setSessionToken(null);
      setSession(null);
      setLocked(false);
      setNotice(message);
      release(false);
    },
    [client, release],
  );

  const call = useCallback(
    async <K extends HandlerName>(name: K, args: Input<K>): Promise<Result<Output<K>>> => {
      const first = await client.send(name, args);
      if (first.ok || name === 'auth.unlock' || name === 'auth.login') return first;
      if (first.error.code === 'SESSION_VERROUILLEE') {
        setLocked(true);
        const unlocked = await new Promise<boolean>((resolve) => waiters.current.push(resolve));
        return unlocked ? client.send(name, args) : first;
      }
      if (first.error.code === 'NON_AUTHENTIFIE' && name !== 'auth.logout') {
        endSession(sessionExpiredMessage);
      }
      return first;
    },
    [client, endSession, sessionExpiredMessage],
  );

  const value = useMemo<Guichet>(
    () => ({
      status,
      session,
      locked,
      notice,
      call,
      loggedIn(s) {
        client.setSessionToken(s.token);
        setNotice(null);
        setLocked(false);
        setSession(s);
      },
      lock() {
        setLocked(true);
      },
      unlocked(s) {
        client.setSessionToken(s.token);
        setSession(s);
        setLocked(false);
        release(true);
      },
      async logout(message) {
        await client.send('auth.logout', {});
        endSession(message ?? null);
      },
    }),
    [status, session, locked, notice, call, client, release, endSession],
  );

  return <GuichetContext.Provider value={value}>{children}</GuichetContext.Provider>;
}
