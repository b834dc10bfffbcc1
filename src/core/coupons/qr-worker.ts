// QR codes of a batch encoded on a worker thread. Encoding one QR code with bwip-js costs about
// as much as laying out the rest of the coupon, and every coupon's code differs (it carries the
// code famille), so a batch hands the encoding of the next chunk's codes to a worker while it
// draws the current chunk: the two halves of the work run side by side on two cores.
//
// The worker runs a few lines of CommonJS that load bwip-js from the path this module resolves,
// so it works from the sources (tests), the bundle and the packaged application alike. If the
// worker cannot start for any reason, the batch encodes in its own thread: slower, same result.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { QR_OPTIONS, qrCode, type MatrixSymbol } from './symbols';

const workerSource = (bwipPath: string) => `
const { parentPort } = require('node:worker_threads');
const bwipjs = require(${JSON.stringify(bwipPath)});
parentPort.on('message', (m) => {
  try {
    const out = m.texts.map((text) => {
      const [raw] = bwipjs.raw('qrcode', text, ${JSON.stringify(QR_OPTIONS)});
      return { size: raw.pixx, pixs: Uint8Array.from(raw.pixs) };
    });
    parentPort.postMessage({ id: m.id, out });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});`;

interface Reply {
  id: number;
  out?: { size: number; pixs: Uint8Array }[];
  error?: string;
}

export interface QrEncoder {
  /** Starts encoding `texts`; the promise gives one symbol per text, in order. */
  encode(texts: readonly string[]): Promise<MatrixSymbol[]>;
  /** Whether a worker encodes (false: this thread does, after a failure or by necessity). */
  onWorker(): boolean;
  close(): void;
}

function inThread(): QrEncoder {
  return {
    encode: (texts) => Promise.resolve(texts.map(qrCode)),
    onWorker: () => false,
    close: () => undefined,
  };
}

function bwipPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('bwip-js');
  } catch {
    return null;
  }
}

/** A worker-backed encoder, or the in-thread one when a worker cannot be used. */
export function qrEncoder(): QrEncoder {
  const path = bwipPath();
  if (!path) return inThread();
  let worker: Worker;
  try {
    worker = new Worker(workerSource(path), { eval: true });
  } catch {
    return inThread();
  }
  // A worker must not keep the process alive on its own (tests, a closing application).
  worker.unref();
  let next = 1;
  let broken = false;
  const waiting = new Map<
    number,
    { texts: readonly string[]; resolve: (s: MatrixSymbol[]) => void }
  >();
  // Whatever goes wrong in the worker, the pending requests are encoded here instead.
  const fallBack = () => {
    broken = true;
    for (const [id, w] of waiting) {
      waiting.delete(id);
      w.resolve(w.texts.map(qrCode));
    }
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (!m.out || m.out.length !== w.texts.length) {
      w.resolve(w.texts.map(qrCode));
      return;
    }
    const out = m.out;
    w.resolve(
      w.texts.map((text, i) => {
        const r = out[i] ?? { size: 0, pixs: new Uint8Array() };
        return { text, size: r.size, dark: Array.from(r.pixs, (p) => p === 1) };
      }),
    );
  });
  return {
    encode(texts) {
      if (broken) return Promise.resolve(texts.map(qrCode));
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, { texts, resolve });
        worker.postMessage({ id, texts: [...texts] });
      });
    },
    onWorker: () => !broken,
    close() {
      broken = true;
      worker.removeAllListeners();
      void worker.terminate();
    },
  };
}
