import { defineRule, oneOf } from '../rule.js';
import { calleeName, memberName, span, unwrapChain } from '../ast.js';
import type { SourceKind } from '../../flow/facts.js';

/** Calls that return identifying facts about the machine or the person using it. */
const CALLS = new Map<string, SourceKind>([
  ['hostname', 'hostname'],
  ['userInfo', 'username'],
  ['networkInterfaces', 'network-interfaces'],
  ['platform', 'platform'],
  ['release', 'platform'],
  ['cpus', 'platform'],
  ['arch', 'platform'],
  ['totalmem', 'platform'],
]);

/** Well-known places that hold a stable machine identifier or reveal a container. */
const PATHS: [RegExp, SourceKind][] = [
  [/^\/etc\/machine-id$|^\/var\/lib\/dbus\/machine-id$|\/sys\/class\/dmi\/id\/product_uuid|^IOPlatformUUID$|^IOPlatformSerialNumber$|^MachineGuid$|csproduct\s+get\s+uuid|SOFTWARE\\\\?Microsoft\\\\?Cryptography/i, 'machine-id'],
  [/^\/\.dockerenv$|^\/proc\/(1|self)\/cgroup$|^\/run\/\.containerenv$/, 'ci-container'],
];

export default defineRule({
  meta: {
    id: 'system-identity-source',
    category: 'fingerprint',
    description: 'Reads of host name, user name, network interfaces (MAC addresses), machine identifiers and container markers.',
    docs:
      'Recognises `os.hostname()`, `os.userInfo()`, `os.networkInterfaces()`, platform details, the literal paths and ' +
      'registry keys that hold stable machine identifiers (/etc/machine-id, IOPlatformUUID, MachineGuid, DMI product_uuid) ' +
      'and container markers (/.dockerenv, /proc/1/cgroup).',
  },
  create(ctx) {
    return {
      only: {
        CallExpression: { names: oneOf(CALLS.keys()) },
        MemberExpression: { names: oneOf(['platform', 'arch']) },
        Literal: { strings: { min: 8, max: 120 } },
      },
      CallExpression(node) {
        const name = calleeName(node);
        if (name === null || node.arguments.length > 1) return;
        const kind = CALLS.get(name);
        if (!kind) return;
        const callee = unwrapChain(node.callee);
        // `os.hostname()` / `hostname()` (named import); not `url.hostname` (a property, not a call).
        if (callee.type === 'MemberExpression' && memberName(callee) === name) {
          const obj = unwrapChain(callee.object);
          const objName = obj.type === 'Identifier' ? obj.name : memberName(obj);
          if (kind === 'platform' && objName !== 'os' && objName !== 'process') return;
        } else if (kind === 'platform') return;
        ctx.recordSource(kind, span(node), ctx.slice(span(node), 80));
      },
      MemberExpression(node) {
        const name = memberName(node);
        if (name !== 'platform' && name !== 'arch') return;
        const obj = unwrapChain(node.object);
        if (obj.type === 'Identifier' && obj.name === 'process') ctx.recordSource('platform', span(node), `process.${name}`);
      },
      Literal(node) {
        const v = node.value;
        if (typeof v !== 'string' || v.length < 8 || v.length > 120) return;
        for (const [re, kind] of PATHS) {
          if (re.test(v)) {
            ctx.recordSource(kind, span(node), JSON.stringify(v));
            return;
          }
        }
      },
    };
  },
});
