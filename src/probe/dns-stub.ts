// A DNS stub for the sandbox: every query is logged and answered REFUSED, so a name the private hosts file
// does not map can never resolve, and the log shows which names the tool tried.

export interface DnsQuery {
  name: string;
  /** Numeric QTYPE as a mnemonic where known (A, AAAA, ...). */
  type: string;
}

const QTYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 65: 'HTTPS', 255: 'ANY' };
const MAX_LABELS = 127;

/** Parses the first question of a DNS message; undefined when the packet is malformed. */
export function parseDnsQuery(msg: Buffer): { query: DnsQuery; questionEnd: number } | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return undefined;
  let pos = 12;
  const labels: string[] = [];
  for (let i = 0; i <= MAX_LABELS; i++) {
    if (pos >= msg.length) return undefined;
    const len = msg[pos]!;
    pos += 1;
    if (len === 0) break;
    if (len > 63 || pos + len > msg.length) return undefined;
    labels.push(msg.subarray(pos, pos + len).toString('latin1'));
    pos += len;
  }
  if (pos + 4 > msg.length) return undefined;
  const qtype = msg.readUInt16BE(pos);
  return { query: { name: labels.join('.').toLowerCase(), type: QTYPES[qtype] ?? String(qtype) }, questionEnd: pos + 4 };
}

/** REFUSED answer echoing id, opcode, RD and the question. */
export function refusedAnswer(msg: Buffer, questionEnd: number): Buffer {
  const out = Buffer.from(msg.subarray(0, questionEnd));
  const rd = msg[2]! & 0x01;
  const opcode = msg[2]! & 0x78;
  out[2] = 0x80 | opcode | rd;
  out[3] = 0x80 | 5;
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(0, 10);
  return out;
}
