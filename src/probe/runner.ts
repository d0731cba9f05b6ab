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
import { fullName, homeFiles, projectHistory } from './home.js';
import { isLoopback, outsideRemote } from './preload.js';
import { emptyRunOutput, READY_MARKER, RESULT_MARKER, TOOL_STARTED_MARKER, SANDBOX_PATHS, SANDBOX_UID, SYSTEM_CA_BUNDLE, type KernelSocket, type RunConfig, type RunOutput } from './types.js';

const MAX_OUTPUT = 256 * 1024;
const MAX_REQUESTS = 2000;
const MAX_DNS = 2000;
/** systemd-resolved's stub address, as on a desktop. */
const STUB_RESOLVER = '127.0.0.53';
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

/** Sockets with an outside peer; the mocks' own ends of such connections (their listening ports) are skipped. */
function pollKernelSockets(seen: Map<string, KernelSocket>, ownPorts: Set<number>): void {
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      const localPort = cols[1] ? parseInt(cols[1].split(':').pop()!, 16) : -1;
      if (ownPorts.has(localPort)) continue;
      const remote = cols[2] ? outsideRemote(cols[2]) : undefined;
      if (remote && !seen.has(`${proto} ${remote}`)) seen.set(`${proto} ${remote}`, { proto, remote });
    }
  }
}

function writeOwned(file: string, content: string, uid: number, mode = 0o644): void {
  const parts = file.split('/');
  for (let i = 2; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { mode: 0o755 });
      fs.chownSync(dir, uid, uid);
    }
  }
  fs.writeFileSync(file, content, { mode });
  fs.chownSync(file, uid, uid);
}

/** The project in the working directory, with its history (skipped when git is not installed). */
function makeProject(uid: number, user: string): void {
  const dir = SANDBOX_PATHS.workDir;
  const env = { PATH: '/usr/bin:/bin', HOME: SANDBOX_PATHS.home, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: fullName(user), GIT_AUTHOR_EMAIL: `${user}.morgan@fastmail.com`, GIT_COMMITTER_NAME: fullName(user), GIT_COMMITTER_EMAIL: `${user}.morgan@fastmail.com` };
  const git = (args: string[], extra: Record<string, string> = {}) => execFileSync('git', args, { cwd: dir, env: { ...env, ...extra }, stdio: 'ignore' });
  try {
    git(['init', '-q', '-b', 'main']);
    for (const c of projectHistory()) {
      for (const f of c.files) writeOwned(`${dir}/${f.path}`, f.content, uid);
      const date = new Date(Date.now() - c.daysAgo * 86_400_000).toISOString();
      git(['add', '-A']);
      git(['commit', '-q', '-m', c.message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    }
  } catch {
    // No git here: the files alone still make a project.
    for (const c of projectHistory()) for (const f of c.files) writeOwned(`${dir}/${f.path}`, f.content, uid);
  }
  execFileSync('chown', ['-R', `${uid}:${uid}`, dir], { stdio: 'ignore' });
}

/** Processes a desktop has running; in a fresh pid namespace the tool would otherwise see two or three. */
const DECOYS = [
  '/usr/lib/systemd/systemd-journald',
  '/usr/lib/systemd/systemd-udevd',
  '/usr/lib/systemd/systemd-logind',
  '/usr/lib/systemd/systemd-resolved',
  '/usr/lib/systemd/systemd',
  '/usr/bin/dbus-daemon',
  '/usr/sbin/NetworkManager',
  '/usr/sbin/sshd',
  '/usr/sbin/cron',
  '/usr/lib/polkit-1/polkitd',
  '/usr/sbin/rsyslogd',
  '/usr/bin/pipewire',
  '/usr/bin/wireplumber',
  '/usr/bin/pipewire-pulse',
  '/usr/bin/gnome-shell',
  '/usr/libexec/gnome-terminal-server',
  '/usr/bin/bash',
  '/usr/bin/ssh-agent',
  '/usr/libexec/gvfsd',
  '/usr/libexec/tracker-miner-fs-3',
  '/usr/share/code/code',
  '/usr/bin/tmux',
];

/** Idle processes under ordinary names (`cat` on a pipe, started through a link named like the program, so
 *  /proc shows that name). Killed with everything else at the end of the run. */
function startDecoys(): void {
  const dir = '/root/.cache/session';
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync('/root', 0o700);
  let cat: string;
  try {
    cat = fs.realpathSync('/usr/bin/cat');
  } catch {
    return;
  }
  for (const line of DECOYS) {
    const link = `${dir}/${line.split('/').pop()}`;
    if (!fs.existsSync(link)) fs.symlinkSync(cat, link);
    const child = spawn(link, [], { argv0: line, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => {});
  }
}

function sealFilesystem(cfg: RunConfig, runUid: number): void {
  sh('mount', ['--make-rprivate', '/']);
  // Held open so the tool stays reachable even when it lives under a directory hidden below.
  const toolFd = fs.openSync(cfg.toolDir, 'r');
  // Staging for the overlay's upper layer; covered by a fresh /tmp at the end, so the tool never sees it.
  sh('mount', ['-t', 'tmpfs', '-o', `mode=1777,size=${TMPFS_SIZE}`, 'tmpfs', '/tmp']);
  const stage = `/tmp/.${process.pid}`;
  for (const d of [`${stage}/etc-upper`, `${stage}/etc-work`]) fs.mkdirSync(d, { recursive: true });
  sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=/etc,upperdir=${stage}/etc-upper,workdir=${stage}/etc-work`, '/etc']);
  const writeEtc = (name: string, text: string) => {
    fs.rmSync(`/etc/${name}`, { force: true });
    fs.mkdirSync(`/etc/${name}`.replace(/\/[^/]+$/, ''), { recursive: true });
    fs.writeFileSync(`/etc/${name}`, text, { mode: 0o644 });
  };
  writeEtc('hosts', cfg.hostsFile);
  writeEtc('resolv.conf', `nameserver ${STUB_RESOLVER}\noptions edns0 trust-ad\nsearch .\n`);
  writeEtc('hostname', `${cfg.hostname}\n`);
  writeEtc('machine-id', `${cfg.machineId}\n`);
  fs.rmSync('/etc/localtime', { force: true });
  fs.symlinkSync(`/usr/share/zoneinfo/${cfg.zone}`, '/etc/localtime');
  writeEtc('timezone', `${cfg.zone}\n`);
  // The local CA joins the system trust store, as a company's TLS-inspecting proxy CA would.
  let bundle = '';
  try {
    bundle = fs.readFileSync(SYSTEM_CA_BUNDLE, 'utf8');
  } catch {
    // No bundle yet: the CA alone.
  }
  writeEtc(SYSTEM_CA_BUNDLE.slice('/etc/'.length), bundle + (bundle.endsWith('\n') || !bundle ? '' : '\n') + cfg.caPem);
  const others = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && l.split(':')[2] !== String(runUid) && l.split(':')[0] !== cfg.user);
    } catch {
      return [];
    }
  };
  writeEtc('passwd', [...others('/etc/passwd'), `${cfg.user}:x:${runUid}:${runUid}:${fullName(cfg.user)},,,:${SANDBOX_PATHS.home}:/bin/bash`].join('\n') + '\n');
  writeEtc('group', [...others('/etc/group'), `${cfg.user}:x:${runUid}:`].join('\n') + '\n');
  sh('mount', ['-t', 'tmpfs', '-o', `mode=755,size=${TMPFS_SIZE}`, 'tmpfs', '/home']);
  fs.mkdirSync(SANDBOX_PATHS.home, { mode: 0o750 });
  fs.chownSync(SANDBOX_PATHS.home, runUid, runUid);
  for (const f of homeFiles(cfg.user, cfg.hostname)) writeOwned(`${SANDBOX_PATHS.home}/${f.path}`, f.content, runUid, f.mode ?? 0o644);
  fs.mkdirSync(cfg.toolMount, { recursive: true });
  sh('mount', ['--bind', `/proc/${process.pid}/fd/${toolFd}`, cfg.toolMount]);
  fs.closeSync(toolFd);
  sh('mount', ['-o', 'remount,bind,ro', cfg.toolMount]);
  if (cfg.binLink) {
    fs.mkdirSync(`${SANDBOX_PATHS.npmPrefix}/bin`, { recursive: true });
    fs.symlinkSync(`${cfg.toolMount}/${cfg.binLink.target}`, `${SANDBOX_PATHS.npmPrefix}/bin/${cfg.binLink.name}`);
  }
  // The prefix is the user's (the tool itself stays read-only).
  const owned = [`${SANDBOX_PATHS.npmPrefix}/bin`];
  for (let d = cfg.toolMount.replace(/\/[^/]+$/, ''); d.startsWith(SANDBOX_PATHS.npmPrefix); d = d.replace(/\/[^/]+$/, '')) owned.push(d);
  for (const d of owned) {
    fs.mkdirSync(d, { recursive: true });
    fs.chownSync(d, runUid, runUid);
  }
  if (cfg.binLink) fs.lchownSync(`${SANDBOX_PATHS.npmPrefix}/bin/${cfg.binLink.name}`, runUid, runUid);
  fs.mkdirSync(SANDBOX_PATHS.workDir, { recursive: true });
  makeProject(runUid, cfg.user);
  for (const dir of ['/root', '/run']) sh('mount', ['-t', 'tmpfs', '-o', 'mode=755,size=1m', 'tmpfs', dir]);
  for (const dir of cfg.hideDirs) {
    try {
      sh('mount', ['-t', 'tmpfs', '-o', 'mode=755,size=1m', 'tmpfs', dir]);
    } catch {
      // Gone or not a directory: nothing to hide.
    }
  }
  sh('mount', ['-t', 'tmpfs', '-o', `mode=1777,size=${TMPFS_SIZE}`, 'tmpfs', '/tmp']);
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
  // What the tool sees as pid 1.
  process.title = '/sbin/init';
  try {
    sh('ip', ['link', 'set', 'lo', 'up']);
    // Every address is local: a connect to an outside address lands on the mocks (and is recorded there)
    // instead of failing, and still never leaves lo.
    sh('ip', ['route', 'add', 'local', '0.0.0.0/0', 'dev', 'lo']);
    try {
      sh('ip', ['-6', 'route', 'add', 'local', '::/0', 'dev', 'lo']);
    } catch {
      // No IPv6 in this namespace.
    }
    try {
      fs.writeFileSync('/proc/sys/kernel/hostname', cfg.hostname);
    } catch {
      // Inside a user namespace /proc/sys stays the real root's; sethostname(2) still works.
      sh('hostname', [cfg.hostname]);
    }
    sealFilesystem(cfg, runUid);
    startDecoys();
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
  const outside: { address: string; port: number }[] = [];
  const watch = (srv: net.Server) =>
    srv.on('connection', (sock: net.Socket) => {
      const a = sock.localAddress?.replace(/^::ffff:/, '');
      if (a && !isLoopback(a) && outside.length < MAX_REQUESTS) outside.push({ address: a, port: sock.localPort ?? 0 });
    });
  const tls = { cert: cfg.certPem, key: cfg.keyPem, ca: cfg.caPem };
  for (const port of cfg.httpsPorts) {
    const s = https.createServer(tls, mockHandler({ scheme: 'https', port }, record));
    // A client that rejects the certificate still shows which name it asked for.
    s.on('tlsClientError', (_err, socket) => {
      const sni = (socket as { servername?: string | false }).servername;
      record({ scheme: 'https', port, ...(typeof sni === 'string' ? { sni } : {}), method: 'TLS-HANDSHAKE-FAILED', url: '', headers: [], body: '', bodyTruncated: false, status: 0 });
    });
    servers.push(s);
    watch(s);
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
    watch(s);
    await listen(s, port);
  }
  // The stub resolver resolv.conf names (answering from its own address, as resolvers must), and port 53 on
  // every other address, so a query sent to any outside resolver lands here too.
  const dnsSockets: dgram.Socket[] = [];
  for (const address of [STUB_RESOLVER, '0.0.0.0']) {
    const dns = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    dns.on('message', (msg, rinfo) => {
      const q = parseDnsQuery(msg);
      if (!q) return;
      if (out.dnsQueries.length < MAX_DNS) out.dnsQueries.push(q.query as DnsQuery);
      dns.send(refusedAnswer(msg, q.questionEnd), rinfo.port, rinfo.address);
    });
    dns.on('error', () => {});
    await new Promise<void>((resolve) => dns.bind(53, address, resolve));
    dnsSockets.push(dns);
  }

  const seen = new Map<string, KernelSocket>();
  const ownPorts = new Set([...cfg.httpsPorts, ...cfg.httpPorts, ...cfg.proxyPorts, 53]);
  const poller = setInterval(() => pollKernelSockets(seen, ownPorts), 100);

  const argv = cfg.dropPrivileges
    ? ['setpriv', `--reuid=${runUid}`, `--regid=${runUid}`, '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--', ...cfg.command]
    : cfg.command;
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  const outSize = { n: 0 };
  const errSize = { n: 0 };
  await new Promise<void>((resolve) => {
    out.toolStartedAt = Date.now();
    process.stdout.write(TOOL_STARTED_MARKER + '\n');
    const child = spawn(argv[0]!, argv.slice(1), { cwd: SANDBOX_PATHS.workDir, env: cfg.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => cap(outChunks, c, outSize));
    child.stderr.on('data', (c: Buffer) => cap(errChunks, c, errSize));
    const timer = setTimeout(() => {
      out.timedOut = true;
      out.toolMs = Date.now() - out.toolStartedAt!;
      killAllButInit();
    }, cfg.timeoutMs);
    child.on('error', (e) => {
      out.stderr += `spawn failed: ${e.message}\n`;
      clearTimeout(timer);
      resolve();
    });
    child.on('exit', (code, signal) => {
      out.toolMs ??= Date.now() - out.toolStartedAt!;
      out.exitCode = code;
      out.signal = signal;
      clearTimeout(timer);
      setTimeout(resolve, cfg.settleMs);
    });
  });
  clearInterval(poller);
  pollKernelSockets(seen, ownPorts);
  killAllButInit();
  out.stdout += Buffer.concat(outChunks).toString('utf8');
  out.stderr += Buffer.concat(errChunks).toString('utf8');
  out.kernelSockets = [...seen.values()];
  out.outsideConnections = outside;
  out.durationMs = Date.now() - started;
  for (const s of servers) {
    s.close();
    (s as { closeAllConnections?: () => void }).closeAllConnections?.();
  }
  for (const d of dnsSockets) d.close();
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

/** Tells the host this namespace exists and waits until it says it holds it (a line, or stdin closed). */
function handshake(): Promise<void> {
  process.stdout.write(READY_MARKER + '\n');
  return new Promise((resolve) => {
    const done = () => {
      process.stdin.off('data', onData);
      process.stdin.destroy();
      resolve();
    };
    const onData = (c: Buffer) => {
      if (c.includes(10)) done();
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', done);
    process.stdin.once('error', done);
  });
}

const configPath = process.argv[2];
if (configPath && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  handshake().then(() => main(configPath)).then(
    (out) => process.stdout.write(RESULT_MARKER + JSON.stringify(out) + '\n'),
    (e: unknown) => {
      process.stdout.write(RESULT_MARKER + JSON.stringify({ setupError: e instanceof Error ? e.message : String(e) }) + '\n');
      process.exitCode = 1;
    },
  );
}
