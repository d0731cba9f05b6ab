// A `--require` hook loaded into every Node process of the probed tool. It records connection attempts and
// name lookups (with the addresses they resolved to) to a log the runner reads afterwards. The kernel keeps
// the run sealed either way (only loopback exists); the hook says which host and port the tool was after.

export interface NetEvent {
  kind: 'connect' | 'lookup' | 'resolved' | 'resolve' | 'udp' | 'error';
  pid: number;
  host?: string;
  port?: number;
  address?: string;
  path?: string;
  error?: string;
}

export function preloadSource(logPath: string): string {
  return `'use strict';
(() => {
  const fs = require('fs');
  const net = require('net');
  const dns = require('dns');
  const dgram = require('dgram');
  const LOG = ${JSON.stringify(logPath)};
  let budget = 5000;
  const log = (kind, detail) => {
    if (budget-- <= 0) return;
    try { fs.appendFileSync(LOG, JSON.stringify(Object.assign({ kind, pid: process.pid }, detail)) + '\\n'); } catch {}
  };
  const str = (v) => (typeof v === 'string' ? v.slice(0, 300) : undefined);
  const num = (v) => (typeof v === 'number' || typeof v === 'string' ? Number(v) : undefined);
  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    try {
      let o = args[0];
      if (Array.isArray(o)) o = o[0];
      if (o && typeof o === 'object') {
        if (o.path) log('connect', { path: str(o.path) });
        else {
          const host = str(o.host) || 'localhost';
          log('connect', { host, port: num(o.port) });
          this.once('lookup', (err, address) => { if (!err) log('resolved', { host, address: str(address) }); });
          this.once('error', (err) => log('error', { host, port: num(o.port), error: str(err && err.code) }));
        }
      } else if (typeof o === 'number' || (typeof o === 'string' && /^\\d+$/.test(o))) {
        log('connect', { host: str(args[1]) || 'localhost', port: num(o) });
      } else if (typeof o === 'string') log('connect', { path: str(o) });
    } catch {}
    return origConnect.apply(this, args);
  };
  const origLookup = dns.lookup;
  dns.lookup = function (hostname, ...rest) { log('lookup', { host: str(hostname) }); return origLookup.call(this, hostname, ...rest); };
  if (dns.promises && dns.promises.lookup) {
    const p = dns.promises.lookup;
    dns.promises.lookup = function (hostname, ...rest) { log('lookup', { host: str(hostname) }); return p.call(this, hostname, ...rest); };
  }
  for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'resolveSrv', 'resolveCname']) {
    const orig = dns[name];
    if (typeof orig !== 'function') continue;
    dns[name] = function (hostname, ...rest) { log('resolve', { host: str(hostname) }); return orig.call(this, hostname, ...rest); };
  }
  const origSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (...args) {
    try {
      const port = args.find((a, i) => i > 0 && typeof a === 'number' && a > 0 && a < 65536 && typeof args[i + 1] === 'string');
      const address = args.find((a, i) => i > 1 && typeof a === 'string');
      log('udp', { port, address: str(address) });
    } catch {}
    return origSend.apply(this, args);
  };
})();
`;
}

export function parseNetLog(text: string): NetEvent[] {
  const out: NetEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as NetEvent;
      if (v && typeof v === 'object' && typeof v.kind === 'string') out.push(v);
    } catch {
      // A line cut off by a killed process; the rest of the log still counts.
    }
  }
  return out;
}

/** True for addresses and names that stay on this machine. */
export function isLoopback(hostOrAddress: string): boolean {
  const h = hostOrAddress.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\./.test(h)) return true;
  return false;
}

export function isIpLiteral(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':');
}

/** Remote address of a /proc/net/{tcp,udp}[6] row when it is neither unset nor loopback. */
export function outsideRemote(hex: string): string | undefined {
  const [addr, portHex] = hex.split(':');
  if (!addr || !portHex) return undefined;
  if (/^0+$/.test(addr)) return undefined;
  if (addr.length === 8) {
    const bytes = Buffer.from(addr, 'hex').reverse();
    if (bytes[0] === 127) return undefined;
    return `${bytes.join('.')}:${parseInt(portHex, 16)}`;
  }
  const words = addr.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse().toString('hex'));
  const full = words.join('');
  if (full === '00000000000000000000000000000001') return undefined;
  if (full.startsWith('00000000000000000000ffff7f')) return undefined;
  return `[${full.match(/.{4}/g)!.join(':')}]:${parseInt(portHex, 16)}`;
}
