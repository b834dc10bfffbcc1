// The core's process. Under Electron it is a utilityProcess (Chromium's service launcher with
// Node inside; no Electron API is imported here), reached through process.parentPort; under
// Node it is a child_process.fork with an IPC channel, which is how tests and benchmarks run
// this very file. Everything else is in host.ts.
import { runCoreHost, type HostPort } from './host';
import type { FromCore } from './protocol';

/** The part of Electron's process.parentPort used here. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

function parentPort(): HostPort {
  const electronPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (electronPort) {
    return {
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
      post: (message: FromCore) => electronPort.postMessage(message),
    };
  }
  const send = process.send?.bind(process);
  if (!send) {
    throw new Error(
      'Le moteur de Guichet doit être lancé par l’application (aucun canal vers elle).',
    );
  }
  return {
    onMessage: (listener) => process.on('message', listener),
    post: (message: FromCore) => {
      send(message);
    },
  };
}

const port = parentPort();
const host = runCoreHost(port);
port.post({ type: 'ready' });

// A throw outside any handler leaves the core in a state nobody knows: the process ends, and the
// shell starts a fresh one on the same database (SQLite rolls back what was not committed).
process.on('uncaughtException', (err) => {
  host.log().fatal({ err }, 'moteur : exception non rattrapée, arrêt du processus');
  setTimeout(() => process.exit(70), 100).unref();
});
// A promise rejected with no one to hear it is logged; the core's own work goes on.
process.on('unhandledRejection', (reason) => {
  host.log().error({ err: reason }, 'moteur : promesse rejetée sans traitement');
});
// Under Node, the shell going away closes the channel: nothing is left to answer.
process.on('disconnect', () => process.exit(0));
