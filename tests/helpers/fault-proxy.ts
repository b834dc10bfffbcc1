// A real HTTP proxy on 127.0.0.1 that sits between one register and the portal and breaks the
// network on purpose: requests dropped before the portal sees them, responses lost after the
// portal has processed them, requests duplicated, delayed, held back and overtaken by later
// ones, connections cut in the middle of a response, and 502/503 answers from a "gateway" that
// never forwarded anything. Every decision is drawn from a seeded generator, so a failing storm
// can be run again from the seed it prints; the counters say what was actually done, so a test
// can check that each fault really happened (a storm that injected nothing proves nothing).
//
// The seed replays the sequence of decisions, not the timing: requests from the register's
// background engine arrive when timers fire, so two runs of one seed interleave alike but not
// necessarily identically.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng, type Rng } from '../../src/shared/demo/prng';

/** Probabilities (0 to 1) of each fault, drawn independently for every request. */
export interface FaultRates {
  /** Never forwarded: the client's connection is destroyed. */
  drop: number;
  /** Forwarded and answered by the portal, then the client's connection is destroyed. */
  loseResponse: number;
  /** Forwarded twice (side by side or one after the other); the client gets one of the answers. */
  duplicate: number;
  /** Waits a random time in delayMs before anything else. */
  delay: number;
  /** Held until a later request has been answered (or holdMs has passed), then forwarded. */
  reorder: number;
  /** Status, headers and part of the body, then the connection is destroyed. */
  cut: number;
  /** Answered 502 or 503 by the proxy itself; the portal never sees the request. */
  gatewayError: number;
}

export interface FaultCounts {
  requests: number;
  forwarded: number;
  dropped: number;
  responsesLost: number;
  duplicated: number;
  delayed: number;
  reordered: number;
  /** Held requests that reached the portal only after a later request had been answered. */
  overtaken: number;
  cut: number;
  gatewayErrors: number;
  /** Connections refused while the proxy simulated a cut network. */
  offline: number;
  /** The portal could not be reached (restarting): answered 502. */
  upstreamDown: number;
}

export interface FaultProxy {
  url: string;
  seed: number;
  counts: FaultCounts;
  rates: FaultRates;
  /** True: every connection is destroyed at once, as with an unplugged cable. */
  offline: boolean;
  /** Requests received and not yet answered (or given up on). */
  readonly inFlight: number;
  /** No more faults (the network is healed); the counters are kept. */
  heal(): void;
  setRates(rates: Partial<FaultRates>): void;
  /** Resolves when nothing is held or in flight through the proxy. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const NO_FAULTS: FaultRates = {
  drop: 0,
  loseResponse: 0,
  duplicate: 0,
  delay: 0,
  reorder: 0,
  cut: 0,
  gatewayError: 0,
};

export interface FaultProxyOptions {
  /** The portal, read at every request: it may come back on another port after a restart. */
  target: () => { host: string; port: number };
  seed: number;
  rates?: Partial<FaultRates>;
  /** Latency drawn for a delayed request (default 20 to 250 ms). */
  delayMs?: [number, number];
  /** Longest a held request waits for a later one (default 600 ms). */
  holdMs?: number;
}

interface UpstreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const rng: Rng = createRng(opts.seed);
  const [delayMin, delayMax] = opts.delayMs ?? [20, 250];
  const holdMs = opts.holdMs ?? 600;
  const counts: FaultCounts = {
    requests: 0,
    forwarded: 0,
    dropped: 0,
    responsesLost: 0,
    duplicated: 0,
    delayed: 0,
    reordered: 0,
    overtaken: 0,
    cut: 0,
    gatewayErrors: 0,
    offline: 0,
    upstreamDown: 0,
  };
  // Requests held back for reordering: each is released by the next answered request.
  const held: (() => void)[] = [];
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  function settle(): void {
    if (inFlight === 0 && held.length === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  }

  function releaseHeld(): void {
    for (const release of held.splice(0)) release();
  }

  function forward(
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<UpstreamAnswer | { error: string }> {
    const { host, port } = opts.target();
    counts.forwarded++;
    return new Promise((resolve) => {
      const up = http.request(
        {
          host,
          port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `${host}:${port}`, connection: 'close' },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', (e) => resolve({ error: e.message }));
        },
      );
      up.on('error', (e) => resolve({ error: e.message }));
      up.end(body);
    });
  }

  function answer(res: http.ServerResponse, a: UpstreamAnswer, cut: boolean): void {
    const headers = { ...a.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    headers['content-length'] = String(a.body.length);
    res.writeHead(a.status, headers);
    if (!cut) {
      res.end(a.body);
      return;
    }
    // Part of the body, then the connection goes: the client has a status and headers that
    // promise a body it will never receive whole.
    const part = Math.max(1, Math.floor(a.body.length * rng.next() * 0.9));
    res.write(a.body.subarray(0, Math.min(part, a.body.length - 1)), () => {
      res.socket?.destroy();
    });
  }

  function gateway(res: http.ServerResponse, status: 502 | 503): void {
    const text = status === 502 ? 'Bad Gateway' : 'Service Unavailable';
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(text.length) });
    res.end(text);
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
  ): Promise<void> {
    counts.requests++;
    if (proxy.offline) {
      counts.offline++;
      req.socket.destroy();
      return;
    }
    const r = proxy.rates;
    // Every decision is drawn for every request, in a fixed order, so that the sequence of
    // draws (and so the replay from a seed) does not depend on which faults are switched on.
    const d = {
      delay: rng.chance(r.delay),
      drop: rng.chance(r.drop),
      gateway: rng.chance(r.gatewayError),
      reorder: rng.chance(r.reorder),
      duplicate: rng.chance(r.duplicate),
      lose: rng.chance(r.loseResponse),
      cut: rng.chance(r.cut),
      latency: rng.int(delayMin, delayMax),
      status: rng.chance(0.5) ? (502 as const) : (503 as const),
      duplicateSideBySide: rng.chance(0.5),
      keepSecondAnswer: rng.chance(0.5),
    };
    if (d.delay) {
      counts.delayed++;
      await sleep(d.latency);
    }
    if (d.drop) {
      counts.dropped++;
      req.socket.destroy();
      return;
    }
    if (d.gateway) {
      counts.gatewayErrors++;
      gateway(res, d.status);
      return;
    }
    if (d.reorder) {
      counts.reordered++;
      const overtaken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          const i = held.indexOf(release);
          if (i >= 0) held.splice(i, 1);
          resolve(false);
        }, holdMs);
        const release = () => {
          clearTimeout(timer);
          resolve(true);
        };
        held.push(release);
      });
      if (overtaken) counts.overtaken++;
      // Forwarded even if the client gave up meanwhile: a late copy reaching the portal after
      // the client's retry is exactly the case being tested.
    }
    let first: UpstreamAnswer | { error: string };
    if (d.duplicate) {
      counts.duplicated++;
      let second: UpstreamAnswer | { error: string };
      if (d.duplicateSideBySide) {
        [first, second] = await Promise.all([forward(req, body), forward(req, body)]);
      } else {
        first = await forward(req, body);
        second = await forward(req, body);
      }
      if (d.keepSecondAnswer) first = second;
    } else {
      first = await forward(req, body);
    }
    releaseHeld();
    if ('error' in first) {
      counts.upstreamDown++;
      gateway(res, 502);
      return;
    }
    if (d.lose) {
      counts.responsesLost++;
      req.socket.destroy();
      return;
    }
    if (d.cut && first.body.length > 1) {
      counts.cut++;
      answer(res, first, true);
      return;
    }
    answer(res, first, false);
  }

  const server = http.createServer((req, res) => {
    inFlight++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks))
        .catch(() => req.socket.destroy())
        .finally(() => {
          inFlight--;
          settle();
        });
    });
  });
  // A client that hangs up while its request is held must not end the proxy.
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    seed: opts.seed,
    counts,
    rates: { ...NO_FAULTS, ...opts.rates },
    offline: false,
    get inFlight() {
      return inFlight;
    },
    heal() {
      proxy.rates = { ...NO_FAULTS };
      proxy.offline = false;
      releaseHeld();
    },
    setRates(rates) {
      proxy.rates = { ...proxy.rates, ...rates };
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settle();
      });
    },
    async close() {
      releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
