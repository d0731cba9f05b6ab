import { ruleTable } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/encoded-string.js';
import { xorBase64 } from '../../helpers/analyze.js';

const b64 = Buffer.from('the quick brown fox jumps over').toString('base64');
ruleTable({
  rule,
  summarise: (o, code) => [
    ...o.facts.encoded.map((e) => `encoded ${e.codes ? 'codes:' + e.codes.length : code.slice(e.start, e.start + 10)}`),
    ...o.facts.data.map((d) => `decoded ${d.decoded?.encoding} ${d.text}`),
    ...[...o.facts.xorKeys].map((k) => `key ${k}`),
    ...o.facts.decodeSites.map((s) => `decode-site ${code.slice(s.start, s.start + 11)}`),
  ],
  valid: [
    'const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";',
    'const msg = "This is a perfectly normal sentence.";',
    'const hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";',
    'const img = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk";',
    'const small = [1, 2, 3];',
    'const nl = "line\\nbreak\\ttab";',
    'const back = list.reverse().join(",");',
  ],
  invalid: [
    { code: `const s = "${b64}";`, expect: [`encoded "${b64.slice(0, 9)}`] },
    { code: `const K = 42; const s = "${xorBase64('alpha,beta,gamma,delta', 42)}"; const d = (c) => c ^ K;`, expect: [`encoded "${xorBase64('alpha,beta,gamma,delta', 42).slice(0, 9)}`, 'key 42'] },
    { code: 'const t = String.fromCharCode(104, 101, 108, 108, 111, 33);', expect: ['decoded charcodes hello!'] },
    { code: 'const a = [104, 101, 108, 108, 111, 33, 33];', expect: ['encoded codes:7'] },
    { code: 'const b = Buffer.from(x, "base64"); atob(y);', expect: ['decode-site Buffer.from', 'decode-site atob(y);'] },
    { code: 'const h = "\\x74\\x65\\x6c\\x65\\x6d\\x65\\x74\\x72\\x79";', expect: ['decoded escapes telemetry'] },
    { code: 'const r = "moc.elpmaxe.ipa".split("").reverse().join("");', expect: ['decoded reversed api.example.com'] },
  ],
});
