// A package registry on loopback, enough for pacote: packuments (with publish times, deprecations and unpublished
// versions) and tarballs built by the test. Tarball downloads can be held back (to interrupt a worker mid-job) or
// served corrupt (a job that always fails).
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tgz } from '../acquire/tar-fixtures.js';

export interface FakeRelease {
  version: string;
  /** Files of the package besides package.json (which is generated). */
  files?: Record<string, string>;
  /** ISO time of publication; default: one day per release in the given order. */
  published?: string;
  deprecated?: string;
  /** Listed in `time` only, as the registry keeps unpublished versions. */
  unpublished?: boolean;
  /** The tarball served does not match its integrity. */
  corrupt?: boolean;
  /** The tarball is held back until `release(name, version)`. */
  held?: boolean;
}

export interface FakeRegistry {
  url: string;
  /** Every request path, in order. */
  requests: string[];
  /** Emits `tarball` with (name, version) when a tarball is requested. */
  events: EventEmitter;
  integrity(name: string, version: string): string;
  release(name: string, version: string): void;
  close(): Promise<void>;
}

interface Built {
  body: Buffer;
  integrity: string;
  shasum: string;
}

export async function startFakeRegistry(packages: Record<string, FakeRelease[]>): Promise<FakeRegistry> {
  const built = new Map<string, Built>();
  const gates = new Map<string, { open: Promise<void>; release: () => void }>();
  for (const [name, releases] of Object.entries(packages)) {
    for (const r of releases) {
      if (r.unpublished) continue;
      const files = { 'package.json': JSON.stringify({ name, version: r.version }), ...(r.files ?? {}) };
      const body = tgz(Object.entries(files).map(([path, content]) => ({ name: `package/${path}`, content })));
      built.set(`${name}@${r.version}`, {
        body,
        integrity: 'sha512-' + createHash('sha512').update(body).digest('base64'),
        shasum: createHash('sha1').update(body).digest('hex'),
      });
      if (r.held) {
        let release!: () => void;
        const open = new Promise<void>((res) => (release = res));
        gates.set(`${name}@${r.version}`, { open, release });
      }
    }
  }
  const events = new EventEmitter();
  const requests: string[] = [];
  let base = '';

  const packument = (name: string, releases: FakeRelease[]) => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const time: Record<string, string> = { created: new Date(start).toISOString(), modified: new Date(start + releases.length * 86_400_000).toISOString() };
    const versions: Record<string, unknown> = {};
    releases.forEach((r, i) => {
      time[r.version] = r.published ?? new Date(start + (i + 1) * 86_400_000).toISOString();
      if (r.unpublished) return;
      const b = built.get(`${name}@${r.version}`)!;
      versions[r.version] = {
        name,
        version: r.version,
        ...(r.deprecated ? { deprecated: r.deprecated } : {}),
        dist: { tarball: `${base}/${name}/-/${name.split('/').pop()}-${r.version}.tgz`, integrity: b.integrity, shasum: b.shasum },
      };
    });
    const published = releases.filter((r) => !r.unpublished).map((r) => r.version);
    return { _id: name, name, 'dist-tags': { latest: published[published.length - 1] }, versions, time };
  };

  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(path);
    const tarball = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path);
    if (tarball) {
      const [, name, version] = tarball;
      const b = built.get(`${name}@${version}`);
      if (!b) return void res.writeHead(404).end('{}');
      const rel = packages[name!]!.find((r) => r.version === version)!;
      events.emit('tarball', name, version);
      const send = () => {
        const body = rel.corrupt ? Buffer.concat([b.body, Buffer.from('tampered')]) : b.body;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
      };
      const gate = gates.get(`${name}@${version}`);
      if (gate) void gate.open.then(send);
      else send();
      return;
    }
    const name = path.slice(1);
    const releases = packages[name];
    if (!releases) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument(name, releases)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base + '/',
    requests,
    events,
    integrity: (name, version) => built.get(`${name}@${version}`)!.integrity,
    release: (name, version) => gates.get(`${name}@${version}`)?.release(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const g of gates.values()) g.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
