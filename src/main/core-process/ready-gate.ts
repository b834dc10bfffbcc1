// Holds back what the shell posts to the core's process until that process says 'ready'. An ES
// module entry attaches its message listener only once its imports are loaded. Node's
// child_process drops a message that arrives before a listener exists; Electron's parentPort is
// documented to queue it, but the gate costs nothing there and keeps both launchers behaving
// alike, so the 'open' sent right after the fork is never lost.
import type { CoreChild } from './client';
import type { ToCore } from './protocol';

interface ReadyGate {
  /** Sends now, or keeps the message until 'ready' has been seen. */
  post(message: ToCore): void;
  /** To be given every message from the child; the first 'ready' releases the queue. */
  seen(message: unknown): void;
}

export function readyGate(send: (message: ToCore) => void): ReadyGate {
  let queue: ToCore[] | null = [];
  return {
    post(message) {
      if (queue) queue.push(message);
      else send(message);
    },
    seen(message) {
      if (!queue || (message as { type?: unknown } | null)?.type !== 'ready') return;
      const waiting = queue;
      queue = null;
      for (const m of waiting) {
        try {
          send(m);
        } catch {
          // The child went away just after saying 'ready': its exit tells the client what became
          // of the calls held here.
        }
      }
    },
  };
}

/** Thrown by a launcher's send when its process has ended: the client waits for the restart. */
export class CoreGoneError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'CoreGoneError';
  }
}

/** What both launchers' process objects emit: the child's messages and its end. */
export interface ChildEvents {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
}

/**
 * The CoreChild the client drives, over a launched process: what is posted goes through the
 * ready gate to `send`; `kill` is the launcher's own, which knows whether the process still runs.
 */
export function gatedCoreChild(
  child: ChildEvents,
  send: (message: ToCore) => void,
  kill: () => void,
): CoreChild {
  const gate = readyGate(send);
  child.on('message', (message) => gate.seen(message));
  return {
    postMessage: (message) => gate.post(message),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', (code) => listener(code)),
    kill,
  };
}
