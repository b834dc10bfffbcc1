// The fault proxy itself, against a small upstream that records what reaches it: each fault
// does what it claims (a storm built on a proxy that silently forwarded everything would prove
// nothing), and one seed gives one sequence of decisions.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type FaultRates } from '../helpers/fault-proxy';

let upstream: http.Server;
let port = 0;
let seen: string[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const body = JSON.stringify({ echo: req.url, padding: 'x'.repeat(200) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  port = (upstream.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => upstream.close(() => r()));
});

async function withProxy(
  rates: Partial<FaultRates>,
  fn: (proxy: FaultProxy) => Promise<void>,
  extra: { seed?: number; holdMs?: number } = {},
) {
  seen = [];
  const proxy = await startFaultProxy({
    seed: extra.seed ?? 1,
    target: () => ({ host: '127.0.0.1', port }),
    rates,
    ...(extra.holdMs ? { holdMs: extra.holdMs } : {}),
  });
  try {
    await fn(proxy);
    await proxy.idle();
  } finally {
    await proxy.close();
  }
}

const get = (proxy: FaultProxy, path: string) => fetch(proxy.url + path);

describe('proxy de pannes', () => {
  it('sans panne, transmet la requête et rend la réponse entière', async () => {
    await withProxy({}, async (proxy) => {
      const res = await get(proxy, '/a');
      expect(await res.json()).toMatchObject({ echo: '/a' });
      expect(seen).toEqual(['/a']);
      expect(proxy.counts).toMatchObject({ requests: 1, forwarded: 1, dropped: 0 });
    });
  });

  it('perd la requête : le portail ne la voit pas, le client a une erreur réseau', async () => {
    await withProxy({ drop: 1 }, async (proxy) => {
      await expect(get(proxy, '/perdue')).rejects.toThrow();
      expect(seen).toEqual([]);
      expect(proxy.counts.dropped).toBe(1);
    });
  });

  it('perd la réponse : le portail a traité la requête, le client ne le sait pas', async () => {
    await withProxy({ loseResponse: 1 }, async (proxy) => {
      await expect(get(proxy, '/traitee')).rejects.toThrow();
      expect(seen).toEqual(['/traitee']);
      expect(proxy.counts.responsesLost).toBe(1);
    });
  });

  it('double la requête : deux passages au portail, une seule réponse au client', async () => {
    await withProxy({ duplicate: 1 }, async (proxy) => {
      const res = await get(proxy, '/deux-fois');
      expect(await res.json()).toMatchObject({ echo: '/deux-fois' });
      expect(seen).toEqual(['/deux-fois', '/deux-fois']);
      expect(proxy.counts.duplicated).toBe(1);
    });
  });

  it('coupe la connexion au milieu de la réponse : en-têtes reçus, corps jamais complet', async () => {
    await withProxy({ cut: 1 }, async (proxy) => {
      const res = await get(proxy, '/coupee');
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
      expect(proxy.counts.cut).toBe(1);
    });
  });

  it('répond 502 ou 503 sans rien transmettre', async () => {
    await withProxy({ gatewayError: 1 }, async (proxy) => {
      const res = await get(proxy, '/passerelle');
      expect([502, 503]).toContain(res.status);
      expect(seen).toEqual([]);
      expect(proxy.counts.gatewayErrors).toBe(1);
    });
  });

  it('retient une requête et la transmet après une plus récente', async () => {
    await withProxy(
      { reorder: 1 },
      async (proxy) => {
        const first = get(proxy, '/premiere');
        // The first is held; the second goes straight through and, once answered, releases it.
        while (proxy.counts.reordered === 0) await new Promise((r) => setTimeout(r, 5));
        proxy.setRates({ reorder: 0 });
        const second = get(proxy, '/seconde');
        await Promise.all([first, second]);
        expect(seen).toEqual(['/seconde', '/premiere']);
        expect(proxy.counts).toMatchObject({ reordered: 1, overtaken: 1 });
      },
      { holdMs: 5_000 },
    );
  });

  it('retarde une requête', async () => {
    await withProxy({ delay: 1 }, async (proxy) => {
      const started = Date.now();
      await (await get(proxy, '/lente')).text();
      expect(Date.now() - started).toBeGreaterThanOrEqual(19);
      expect(proxy.counts.delayed).toBe(1);
    });
  });

  it('hors ligne : toute connexion est refusée ; heal() rétablit le réseau', async () => {
    await withProxy({ drop: 1 }, async (proxy) => {
      proxy.offline = true;
      await expect(get(proxy, '/debranche')).rejects.toThrow();
      expect(proxy.counts.offline).toBe(1);
      proxy.heal();
      expect(await (await get(proxy, '/rebranche')).json()).toMatchObject({ echo: '/rebranche' });
      expect(seen).toEqual(['/rebranche']);
    });
  });

  it('une graine donne toujours la même suite de décisions', async () => {
    const rates: Partial<FaultRates> = { drop: 0.3, gatewayError: 0.3 };
    const outcomes = async (seed: number) => {
      const list: string[] = [];
      await withProxy(
        rates,
        async (proxy) => {
          for (let i = 0; i < 12; i++) {
            list.push(
              await get(proxy, `/${i}`).then(
                (r) => String(r.status),
                () => 'perdue',
              ),
            );
          }
        },
        { seed },
      );
      return list;
    };
    const a = await outcomes(99);
    expect(await outcomes(99)).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(await outcomes(100)).not.toEqual(a);
  });
});
