import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EgressDestination } from '../../src/model/egress.js';
import { CONFIGURED_HOST, contactsOf, linkEgress, predictedHostNames, type RunContacts } from '../../src/probe/egress-link.js';
import { linkFindings } from '../../src/probe/findings.js';
import { BASELINE } from '../../src/probe/persona.js';
import { egressLinkLines } from '../../src/probe/report.js';
import type { CapturedRequest } from '../../src/probe/mock-llm.js';

function dest(destination: string, host: string | null, configurable: EgressDestination['configurable'] = [], urls: string[] = []): EgressDestination {
  return { destination, host, registrableDomain: null, urls, configurable, owner: { kind: 'unknown', name: null, basis: 'none' }, data: [], dataEvidence: [], events: [], timing: ['start'], optOut: [], calls: [] };
}

let seq = 0;
function req(url: string, host: string, sni?: string): CapturedRequest {
  return { seq: seq++, scheme: 'https', port: 443, ...(sni ? { sni } : {}), method: 'POST', url, headers: [['host', host]], body: '', bodyTruncated: false, status: 200 };
}

function run(label: string, requests: CapturedRequest[], dns: string[] = [], persona = BASELINE): RunContacts {
  return { label, persona, requests, dnsQueries: dns.map((name) => ({ name, type: 'A' })), outside: [] };
}

const MAP = [
  dest('updates.quillstack-cli.dev', 'updates.quillstack-cli.dev', [], ['https://updates.quillstack-cli.dev/api/version-check']),
  dest('api.openai.com', 'api.openai.com', [{ variable: 'process.env.OPENAI_BASE_URL', default: 'https://api.openai.com/v1' }], ['https://api.openai.com/v1']),
  dest('errors.quillstack-cli.dev', 'errors.quillstack-cli.dev'),
  dest('(unresolved)', null),
];

describe('egress link: contacted hosts against the static egress map', () => {
  it('gathers each host once, with its paths and personas; the persona API host is the configured one', () => {
    const contacts = contactsOf([
      run('tz=UTC', [req('/api/version-check?x=1', 'updates.quillstack-cli.dev', 'updates.quillstack-cli.dev'), req('/v1/chat/completions', '127.0.0.1')], ['pulse.fieldnotes-metrics.net', 'alex-thinkpad', 'localhost']),
      run('tz=Asia/Tehran', [req('/v1/chat/completions', 'api.example.cn', 'api.example.cn')], ['pulse.fieldnotes-metrics.net'], { ...BASELINE, host: 'api.example.cn', tz: 'Asia/Tehran' }),
    ]);
    assert.deepEqual(
      contacts.map((c) => [c.host, c.via, c.paths, c.personas]),
      [
        [CONFIGURED_HOST, 'request', ['/v1/chat/completions'], ['tz=UTC', 'tz=Asia/Tehran']],
        ['pulse.fieldnotes-metrics.net', 'dns', [], ['tz=UTC', 'tz=Asia/Tehran']],
        ['updates.quillstack-cli.dev', 'request', ['/api/version-check'], ['tz=UTC']],
      ],
    );
  });

  const cases: { name: string; runs: RunContacts[]; confirmed: string[]; notSeen: string[]; unpredicted: string[] }[] = [
    {
      name: 'one predicted and one unpredicted host',
      runs: [run('a', [req('/api/version-check', 'updates.quillstack-cli.dev', 'updates.quillstack-cli.dev'), req('/v1/chat/completions', '127.0.0.1')], ['pulse.fieldnotes-metrics.net'])],
      confirmed: ['updates.quillstack-cli.dev', 'api.openai.com'],
      notSeen: ['errors.quillstack-cli.dev'],
      unpredicted: ['pulse.fieldnotes-metrics.net'],
    },
    {
      name: 'a tool that ignores the base URL and calls the default host by name',
      runs: [run('a', [req('/v1/chat/completions', 'api.openai.com', 'api.openai.com')])],
      confirmed: ['api.openai.com'],
      notSeen: ['updates.quillstack-cli.dev', 'errors.quillstack-cli.dev'],
      unpredicted: [],
    },
    {
      name: 'the configured host on a path no base URL of the map starts',
      runs: [run('a', [req('/other/endpoint', '127.0.0.1')])],
      confirmed: [],
      notSeen: ['updates.quillstack-cli.dev', 'api.openai.com', 'errors.quillstack-cli.dev'],
      unpredicted: [CONFIGURED_HOST],
    },
    {
      name: 'a sibling host of a predicted one is not the predicted one',
      runs: [run('a', [], ['cdn.quillstack-cli.dev'])],
      confirmed: [],
      notSeen: ['updates.quillstack-cli.dev', 'api.openai.com', 'errors.quillstack-cli.dev'],
      unpredicted: ['cdn.quillstack-cli.dev'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const link = linkEgress(MAP, contactsOf(c.runs));
      assert.deepEqual(link.confirmed.map((x) => x.destination).sort(), [...c.confirmed].sort());
      assert.deepEqual(link.predictedNotSeen.map((x) => x.destination), c.notSeen);
      assert.deepEqual(link.unpredicted.map((x) => x.host), c.unpredicted);
      assert.equal(link.unresolved, 1);
      const findings = linkFindings(link);
      assert.deepEqual(findings.map((f) => [f.ruleId, f.severity, f.location.file]), c.unpredicted.map((h) => ['probe-unpredicted-destination', 'medium', `egress:${h}`]));
    });
  }

  it('prints the three lists for a reviewer', () => {
    const link = linkEgress(MAP, contactsOf(cases[0]!.runs));
    assert.deepEqual(egressLinkLines(link), [
      'egress map vs. what the tool contacted: 2 confirmed, 1 predicted but not seen, 1 seen but not predicted (1 call(s) of the map have a host the static analysis could not tell)',
      '  confirmed            updates.quillstack-cli.dev (contacted as updates.quillstack-cli.dev) /api/version-check',
      `  confirmed            api.openai.com (contacted as ${CONFIGURED_HOST}) /v1/chat/completions`,
      '  predicted, not seen  errors.quillstack-cli.dev',
      '  NOT PREDICTED        pulse.fieldnotes-metrics.net (dns)',
    ]);
  });

  it('maps the constant host names of the map (and the defaults of its variables), never addresses', () => {
    assert.deepEqual(predictedHostNames([...MAP, dest('10.1.2.3', '10.1.2.3')]).sort(), ['api.openai.com', 'errors.quillstack-cli.dev', 'updates.quillstack-cli.dev']);
  });
});
