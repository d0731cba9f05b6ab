// Entry point that runs as init of a fresh set of namespaces (net, pid, mount, uts, ipc), started by
// sandbox.ts through `unshare`. It seals the namespace (only loopback, private /etc, hidden homes), starts the
// mock APIs and the DNS stub, runs the tool once as an unprivileged user, and prints one JSON result line.
// Everything still alive in the pid namespace dies with this process.
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseDnsQuery, refusedAnswer, type DnsQuery } from './dns-stub.js';
import { mockHandler, headerPairs, type CapturedRequest } from './mock-llm.js';
import { outsideRemote, parseNetLog, preloadSource } from './preload.js';
import { emptyRunOutput, RESULT_MARKER, SANDBOX_PATHS, SANDBOX_UID, type KernelSocket, type RunConfig, type RunOutput } from './types.js';

const MAX_OUTPUT = 256 * 1024;
const MAX_REQUESTS = 2000;
const MAX_DNS = 2000;
/** Each writable tmpfs the tool sees (memory-backed, so bounded). */
const TMPFS_SIZE = '512m';

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function interfaces(): string[] {
  return fs
    .readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]!.trim())
    .filter(Boolean);
}

function outsideRoutes(): number {
  const v4 = fs.readFileSync('/proc/net/route', 'utf8').split('\n').slice(1).filter((l) => l.trim() && !l.startsWith('lo'));
  let v6: string[] = [];
  try {
    v6 = fs.readFileSync('/proc/net/ipv6_route', 'utf8').split('\n').filter((l) => l.trim() && !/\slo$/.test(l.trim()));
  } catch {
    // No IPv6 in this kernel: nothing to route.
  }
  return v4.length + v6.length;
}

function pollKernelSockets(seen: Map<string, KernelSocket>): void {
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      const remote = cols[2] ? outsideRemote(cols[2]) : undefined;
      if (remote && !seen.has(`${proto} ${remote}`)) seen.set(`${proto} ${remote}`, { proto, remote });
    }
  }
}

function sealFilesystem(cfg: RunConfig, runUid: number): void {
  const rt = SANDBOX_PATHS.runtimeDir;
  sh('mount', ['--make-rprivate', '/']);
  // Held open so the tool stays reachable even when it lives under a directory hidden below.
  const toolFd = fs.openSync(cfg.toolDir, 'r');
  sh('mount', ['-t', 'tmpfs', '-o', `mode=755,size=${TMPFS_SIZE}`, 'tmpfs', '/srv']);
  for (const d of [rt, `${rt}/etc-upper`, `${rt}/etc-work`, SANDBOX_PATHS.toolDir, SANDBOX_PATHS.workDir]) fs.mkdirSync(d, { recursive: true });
  sh('mount', ['--bind', `/proc/${process.pid}/fd/${toolFd}`, SANDBOX_PATHS.toolDir]);
  fs.closeSync(toolFd);
  sh('mount', ['-o', 'remount,bind,ro', SANDBOX_PATHS.toolDir]);
  sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=/etc,upperdir=${rt}/etc-upper,workdir=${rt}/etc-work`, '/etc']);
  const writeEtc = (name: string, text: string) => {
    fs.rmSync(`/etc/${name}`, { force: true });
    fs.writeFileSync(`/etc/${name}`, text, { mode: 0o644 });
  };
  writeEtc('hosts', cfg.hostsFile);
  writeEtc('resolv.conf', 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  writeEtc('hostname', `${cfg.hostname}\n`);
  writeEtc('machine-id', '0123456789abcdef0123456789abcdef\n');
  fs.rmSync('/etc/localtime', { force: true });
  fs.symlinkSync(`/usr/share/zoneinfo/${cfg.zone}`, '/etc/localtime');
  const passwd = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .filter((l) => l && l.split(':')[2] !== String(runUid) && l.split(':')[0] !== cfg.user);
  passwd.push(`${cfg.user}:x:${runUid}:${runUid}:${cfg.user}:${SANDBOX_PATHS.home}:/bin/sh`);
  writeEtc('passwd', passwd.join('\n') + '\n');
  sh('mount', ['-t', 'tmpfs', '-o', `mode=755,size=${TMPFS_SIZE}`, 'tmpfs', '/home']);
  for (const dir of ['/root', '/run']) sh('mount', ['-t', 'tmpfs', '-o', 'mode=755,size=1m', 'tmpfs', dir]);
  sh('mount', ['-t', 'tmpfs', '-o', `mode=1777,size=${TMPFS_SIZE}`, 'tmpfs', '/tmp']);
  fs.mkdirSync(SANDBOX_PATHS.home, { mode: 0o700 });
  for (const d of [SANDBOX_PATHS.home, SANDBOX_PATHS.workDir]) fs.chownSync(d, runUid, runUid);
  fs.writeFileSync(`${rt}/preload.cjs`, preloadSource(`${rt}/net.log`), { mode: 0o644 });
  fs.writeFileSync(`${rt}/ca.pem`, cfg.caPem, { mode: 0o644 });
  fs.writeFileSync(`${rt}/net.log`, '', { mode: 0o666 });
  fs.chmodSync(`${rt}/net.log`, 0o666);
}

/** Both loopback families when the kernel has IPv6 (`localhost` may resolve to ::1); only lo exists anyway. */
async function listen(server: net.Server, port: number): Promise<void> {
  const attempt = (host: string) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, ipv6Only: false }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await attempt('::');
  } catch {
    await attempt('127.0.0.1');
  }
}

function cap(chunks: Buffer[], chunk: Buffer, size: { n: number }): void {
  if (size.n >= MAX_OUTPUT) return;
  chunks.push(chunk.subarray(0, MAX_OUTPUT - size.n));
  size.n += chunk.length;
}

async function main(configPath: string): Promise<RunOutput> {
  const cfg = JSON.parse(fs.readFileSync(configPath, 'utf8')) as RunConfig;
  const started = Date.now();
  const out: RunOutput = emptyRunOutput(fs.readlinkSync('/proc/self/ns/pid'));
  const runUid = cfg.dropPrivileges ? SANDBOX_UID : 0;
  try {
    sh('ip', ['link', 'set', 'lo', 'up']);
    try {
      fs.writeFileSync('/proc/sys/kernel/hostname', cfg.hostname);
    } catch {
      // Inside a user namespace /proc/sys stays the real root's; sethostname(2) still works.
      sh('hostname', [cfg.hostname]);
    }
    sealFilesystem(cfg, runUid);
  } catch (e) {
    out.setupError = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    return out;
  }
  out.interfaces = interfaces();
  out.outsideRoutes = outsideRoutes();
  if (out.interfaces.some((i) => i !== 'lo') || out.outsideRoutes > 0) {
    out.setupError = `namespace not sealed: interfaces ${out.interfaces.join(',')}, ${out.outsideRoutes} outside routes`;
    return out;
  }

  let seq = 0;
  const record = (r: Omit<CapturedRequest, 'seq'>) => {
    if (out.requests.length < MAX_REQUESTS) out.requests.push({ seq: seq++, ...r });
  };
  const servers: net.Server[] = [];
  const tls = { cert: cfg.certPem, key: cfg.keyPem, ca: cfg.caPem };
  for (const port of cfg.httpsPorts) {
    const s = https.createServer(tls, mockHandler({ scheme: 'https', port }, record));
    // A client that rejects the certificate still shows which name it asked for.
    s.on('tlsClientError', (_err, socket) => {
      const sni = (socket as { servername?: string | false }).servername;
      record({ scheme: 'https', port, ...(typeof sni === 'string' ? { sni } : {}), method: 'TLS-HANDSHAKE-FAILED', url: '', headers: [], body: '', bodyTruncated: false, status: 0 });
    });
    servers.push(s);
    await listen(s, port);
  }
  const tunnelTarget = (target: string) => {
    const port = Number(/:(\d+)$/.exec(target)?.[1] ?? 443);
    if (cfg.httpPorts.includes(port)) return port;
    return cfg.httpsPorts[0] ?? port;
  };
  // Every plain-HTTP listener also acts as a forward proxy, so a proxy persona on any port is answered.
  for (const port of [...cfg.httpPorts, ...cfg.proxyPorts]) {
    const s = http.createServer(mockHandler({ scheme: 'http', port }, record));
    s.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      const target = req.url ?? '';
      record({ scheme: 'http', port, method: 'CONNECT', url: target, headers: headerPairs(req.rawHeaders), body: '', bodyTruncated: false, viaProxy: true, status: 200 });
      const upstream = net.connect(tunnelTarget(target), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    servers.push(s);
    await listen(s, port);
  }
  const dns = dgram.createSocket('udp4');
  dns.on('message', (msg, rinfo) => {
    const q = parseDnsQuery(msg);
    if (!q) return;
    if (out.dnsQueries.length < MAX_DNS) out.dnsQueries.push(q.query as DnsQuery);
    dns.send(refusedAnswer(msg, q.questionEnd), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => dns.bind(53, '127.0.0.1', resolve));

  const seen = new Map<string, KernelSocket>();
  const poller = setInterval(() => pollKernelSockets(seen), 100);

  const argv = cfg.dropPrivileges
    ? ['setpriv', `--reuid=${runUid}`, `--regid=${runUid}`, '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--', ...cfg.command]
    : cfg.command;
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  const outSize = { n: 0 };
  const errSize = { n: 0 };
  await new Promise<void>((resolve) => {
    out.toolStartedAt = Date.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: SANDBOX_PATHS.workDir, env: cfg.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => cap(outChunks, c, outSize));
    child.stderr.on('data', (c: Buffer) => cap(errChunks, c, errSize));
    const timer = setTimeout(() => {
      out.timedOut = true;
      killAllButInit();
    }, cfg.timeoutMs);
    child.on('error', (e) => {
      out.stderr += `spawn failed: ${e.message}\n`;
      clearTimeout(timer);
      resolve();
    });
    child.on('exit', (code, signal) => {
      out.exitCode = code;
      out.signal = signal;
      clearTimeout(timer);
      setTimeout(resolve, cfg.settleMs);
    });
  });
  clearInterval(poller);
  pollKernelSockets(seen);
  killAllButInit();
  out.stdout += Buffer.concat(outChunks).toString('utf8');
  out.stderr += Buffer.concat(errChunks).toString('utf8');
  out.kernelSockets = [...seen.values()];
  out.netEvents = parseNetLog(fs.readFileSync(`${SANDBOX_PATHS.runtimeDir}/net.log`, 'utf8').slice(0, 4 * 1024 * 1024));
  out.durationMs = Date.now() - started;
  for (const s of servers) {
    s.close();
    (s as { closeAllConnections?: () => void }).closeAllConnections?.();
  }
  dns.close();
  return out;
}

/** As init of the pid namespace, kill(-1) reaches every other process in it. */
function killAllButInit(): void {
  // Outside a pid namespace kill(-1) would reach the whole machine.
  if (process.pid !== 1) return;
  try {
    process.kill(-1, 'SIGKILL');
  } catch {
    // ESRCH: nothing left.
  }
}

const configPath = process.argv[2];
if (configPath && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(configPath).then(
    (out) => process.stdout.write(RESULT_MARKER + JSON.stringify(out) + '\n'),
    (e: unknown) => {
      process.stdout.write(RESULT_MARKER + JSON.stringify({ setupError: e instanceof Error ? e.message : String(e) }) + '\n');
      process.exitCode = 1;
    },
  );
}
