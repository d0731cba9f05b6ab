// Network facts shared by the runner and the findings: which addresses stay on the machine, and what a
// row of /proc/net/{tcp,udp}[6] points at. (There is no hook in the tool's processes: attempts are recorded
// at the mocks, the DNS stub and the kernel's socket table.)

/** A network event of the tool (kept for reports made when a hook recorded them; the probe adds none now). */
export interface NetEvent {
  kind: 'connect' | 'lookup' | 'resolved' | 'resolve' | 'udp' | 'error';
  pid: number;
  host?: string;
  port?: number;
  address?: string;
  path?: string;
  error?: string;
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
