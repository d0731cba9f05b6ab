// HTML reports for an audit, a probe, a diff and a history, opened in a real headless Chromium (Debian's chromium driven by
// playwright-core): no console errors, the key parts present, a screenshot of each under test-output/screenshots/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { emptyInventory, type Report } from '../../src/model/report.js';
import { diffReports } from '../../src/history/diff.js';
import { renderDiffHtml, renderHistoryHtml, timelineSvg } from '../../src/history/render-html.js';
import type { HistoryView } from '../../src/history/render-history.js';
import { esc, renderHtml } from '../../src/report/reporters/html.js';
import { tempRoot } from '../acquire/tar-fixtures.js';
import { HANG_GUARD_MS, runCli, scratchDirs, type Scratch } from '../cli/run-cli.js';
import { xorBase64 } from '../helpers/analyze.js';
import { analyzeDifferences } from '../../src/probe/analyze.js';
import type { FieldMap } from '../../src/probe/diff.js';
import { differenceFindings } from '../../src/probe/findings.js';
import { BASELINE, personaLabel, type Persona } from '../../src/probe/persona.js';
import { renderHtml as renderProbeHtml, type ProbeReport } from '../../src/probe/report.js';

/** A probe of a tool written for this test: its greeting's apostrophe follows the configured host, a header the zone. */
function probeReport(): ProbeReport {
  const personas: Persona[] = [BASELINE, { ...BASELINE, host: 'gw.sample.cn' }, { ...BASELINE, tz: 'Asia/Tehran' }];
  const dims = ['tz', 'host'] as const;
  const label = (p: Persona) => personaLabel(p, [...dims]);
  const fields = (p: Persona): FieldMap =>
    new Map([
      ['POST /api/chat(m)#0.body.prompt', `Note: the operator${p.host.endsWith('.cn') ? '\u2019' : "'"}s locale is set.`],
      ['POST /api/chat(m)#0.headers.x-build', `w${p.tz.startsWith('Asia/') ? '\u200c' : ''}42`],
    ]);
  const groups = personas.map((p) => ({ label: label(p), persona: p, runs: [0, 1].map(() => ({ fields: fields(p), gaps: new Map<string, number>() })) }));
  const at = Date.parse('2026-03-01T08:00:00Z');
  const { differences, volatile } = analyzeDifferences(groups, { from: at, to: at });
  return {
    tool: { name: 'telltale', version: '0.1.0' },
    target: { spec: 'gizmo', kind: 'folder', name: 'gizmo-cli', version: '2.0.0' },
    sandbox: { mode: 'root', home: '/home/probe', workDir: '/srv/work', toolDir: '/srv/tool' },
    command: ['node', '/srv/tool/bin.js', '--ask', 'hello'],
    dimensions: [...dims],
    baseline: groups[0]!.label,
    personas: personas.map((p) => ({ label: label(p), persona: p })),
    runs: personas.map((p) => ({ label: label(p), repeat: 0, exitCode: 0, signal: null, timedOut: false, durationMs: 900, requests: [], dnsQueries: [], nonLoopbackAttempts: 0, leftoverPids: [], interfaces: ['lo'], stdoutTail: '', stderrTail: '' })),
    differences,
    volatile,
    findings: differenceFindings(differences, groups[0]!.label),
    stats: { ms: 4000, runs: 7, nonLoopbackAttempts: 0, leftoverProcesses: 0, unsealedRuns: 0 },
  };
}

const SHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));

function chromiumPath(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const p = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const HIDDEN = 'relay.sample.cn,edge.example.ir';
const COVERT = `
const KEY = 41;
const PACK = "${xorBase64(HIDDEN, 41)}";
function unpack(s) { const b = Buffer.from(s, "base64"); let o = ""; for (const c of b) o += String.fromCharCode(c ^ KEY); return o.split(","); }
function zone() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }
function host() { const u = process.env.GADGET_ENDPOINT; try { return new URL(u).hostname; } catch { return ""; } }
function pick() { const h = host(); return unpack(PACK).some((d) => h.endsWith(d)) || zone() === "Asia/Tehran" ? "\\u02BC" : "'"; }
export function post(text) {
  const content = \`The user\${pick()}s request: \${text}\`;
  return fetch("https://api.gadget.example/v1/chat", { method: "POST", body: JSON.stringify({ messages: [{ role: "user", content }] }) });
}
`;

let root: string;
let s: Scratch;
let auditHtml: string;
let report: Report;

before(async () => {
  root = await tempRoot('html');
  s = await scratchDirs(root);
  const pkg = join(root, 'gadget');
  await mkdir(pkg);
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'gadget', version: '2.0.0', scripts: { postinstall: 'node setup.js' } }));
  await writeFile(join(pkg, 'index.js'), COVERT);
  const [h, j] = await Promise.all([runCli(['audit', pkg, '--format', 'html', '--quiet'], s), runCli(['audit', pkg, '--format', 'json', '--quiet'], s)]);
  assert.equal(h.code, 1, h.stderr);
  auditHtml = h.stdout;
  report = JSON.parse(j.stdout) as Report;
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function f(over: Partial<Finding>): Finding {
  return {
    id: 'x',
    ruleId: 'hidden-data',
    category: 'hidden-data',
    severity: 'low',
    policy: { row: 'hidden-text', reason: 'encoded readable text' },
    fingerprint: '0'.repeat(32),
    title: 'Encoded text',
    message: 'decodes to text',
    location: { file: 'a.js', offset: 0, line: 1, column: 1 },
    related: [],
    decoded: [],
    excerpt: '',
    ...over,
  };
}

function historyView(): HistoryView {
  const versions = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0'];
  const releases = versions.map((version, i) => ({ version, publishRank: i + 1, published: `2026-0${i + 1}-01T00:00:00Z` }));
  const mk = (present: boolean, v: string): Report => ({
    tool: { name: 'telltale', version: '0' },
    target: { spec: `gadget@${v}`, name: 'gadget', version: v, kind: 'registry' },
    findings: present ? [f({ severity: 'critical', ruleId: 'covert-channel-mechanism', category: 'covert-channel', title: 'Covert channel in requests', fingerprint: 'c'.repeat(32) })] : [],
    inventory: emptyInventory(),
    stats: { files: 1, bytes: 1, ms: 1, limits: [] },
  });
  const presence = [false, false, true, true, undefined];
  const audits = releases.map((release, i) =>
    presence[i] === undefined
      ? { release, result: { job: { spec: 'x', platform: 'linux-x64' }, status: 'failed' as const, error: 'tarball could not be fetched', ms: 1 } }
      : { release, result: { job: { spec: 'x', platform: 'linux-x64' }, status: 'cached' as const, report: mk(presence[i]!, release.version), ms: 1 } },
  );
  return {
    list: { name: 'gadget', releases, unpublished: [] },
    audits,
    timeline: [{ fingerprint: 'c'.repeat(32), ruleId: 'covert-channel-mechanism', severity: 'critical', title: 'Covert channel in requests', presence }],
    meta: { name: 'gadget', workers: 2, backend: 'local', ms: 1000, failOn: 'high', gate: ['2.1.0'], failed: false },
  };
}

describe('HTML reports without a browser', () => {
  it('the audit page is self-contained and escapes what the package contains', () => {
    assert.doesNotMatch(auditHtml, /<script|\b(src|href)=|url\(|@import/);
    assert.match(auditHtml, /id="summary"/);
    assert.ok(auditHtml.includes(esc(HIDDEN)), 'the decoded list is on the page');
    const hostile = renderHtml({ ...report, findings: [f({ title: '<img src=x onerror=alert(1)>', message: 'a\u202eb' })] });
    assert.doesNotMatch(hostile, /<img/);
    assert.match(hostile, /<span class="cp">U\+202E<\/span>/);
  });
  it('a section the page does not know (the egress map) is rendered from the report itself', () => {
    const withEgress = { ...report, egress: [{ destination: 'api.gadget.example', sends: 'prompt, time zone' }] } as unknown as Report;
    const html = renderHtml(withEgress);
    assert.match(html, /id="section-egress"[^>]*>Egress map/);
    assert.match(html, /<td>api\.gadget\.example<\/td><td>prompt, time zone<\/td>/);
  });
  it('the timeline chart has one cell per release and finding', () => {
    const svg = timelineSvg(historyView());
    assert.equal((svg.match(/<rect /g) ?? []).length, 5);
    assert.equal((svg.match(/<rect [^>]*fill="#b00020"/g) ?? []).length, 2);
  });
});

const browserPath = chromiumPath();
describe('HTML reports in headless Chromium', { skip: browserPath ? false : 'skipped: no chromium on this machine (.ci/probe-deps.sh installs it)' }, () => {
  let browser: any;
  before(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: browserPath!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  async function open(name: string, html: string) {
    const file = join(root, `${name}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m: { type(): string; text(): string }) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e: Error) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r: { url(): string }) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href);
    const shot = join(SHOTS, `${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    return { page, problems, requests, shot };
  }

  it('audit: summary, a card per finding with decoded data and evidence steps, inventory', { timeout: HANG_GUARD_MS }, async () => {
    const { page, problems, requests } = await open('audit', auditHtml);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, []);
    assert.match(await page.textContent('#summary'), /Needs review/);
    const shown = report.findings.filter((x) => x.severity !== 'info').length;
    assert.equal(await page.locator('section.card').count(), shown);
    const covert = page.locator('section.card[data-kind="covert-channel-mechanism"]');
    assert.equal(await covert.count(), 1);
    assert.match(await covert.locator('.decoded').first().textContent(), new RegExp(HIDDEN.replace(/\./g, '\\.')));
    const roles = await covert.locator('ol.chain .role').allTextContents();
    for (const must of ['source', 'condition', 'choice', 'sink']) assert.ok(roles.includes(must), roles.join(','));
    assert.ok((await covert.locator('ol.chain pre').count()) > 0, 'evidence steps show the code around them');
    assert.match(await page.textContent('#inventory'), /GADGET_ENDPOINT/);
    assert.match(await page.textContent('#inventory'), /postinstall/);
    await page.close();
  });

  it('probe: the persona × difference table and the changed code points, highlighted and named', { timeout: HANG_GUARD_MS }, async () => {
    const probe = probeReport();
    assert.ok(probe.differences.length >= 2, JSON.stringify(probe.differences.map((d) => d.path)));
    const { page, problems, requests } = await open('probe', renderProbeHtml(probe));
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, []);
    const table = page.locator('table').first();
    assert.equal(await table.locator('tr').count(), probe.personas.length + 1);
    assert.match(await table.textContent(), /host=gw\.sample\.cn/);
    const marks: string[] = await page.locator('section.diff mark').allTextContents();
    assert.ok(marks.some((m) => m.includes('U+2019')), marks.join(' | '));
    assert.ok(marks.some((m) => m.includes('U+200C')), marks.join(' | '));
    assert.match(await page.textContent('body'), /RIGHT SINGLE QUOTATION MARK|U\+2019/);
    await page.close();
  });

  it('diff: new, changed and removed findings and the inventory changes', { timeout: HANG_GUARD_MS }, async () => {
    const older: Report = { ...report, target: { ...report.target, version: '1.9.0' }, findings: report.findings.filter((x) => x.ruleId !== 'covert-channel-mechanism') };
    const d = diffReports(older, report);
    const { page, problems } = await open('diff', renderDiffHtml(d, { failOn: 'high', gate: d.findings.added.filter((x) => x.severity === 'critical') }));
    assert.deepEqual(problems, []);
    assert.match(await page.textContent('#summary'), /1 new finding at or above high/);
    assert.equal(await page.locator('#added ~ section.card[data-kind="covert-channel-mechanism"]').count(), 1);
    await page.close();
  });

  it('history: the timeline chart and the releases', { timeout: HANG_GUARD_MS }, async () => {
    const { page, problems } = await open('history', renderHistoryHtml(historyView(), { verbose: false }));
    assert.deepEqual(problems, []);
    const box = await page.locator('svg#timeline').boundingBox();
    assert.ok(box && box.width > 300 && box.height > 50, JSON.stringify(box));
    assert.equal(await page.locator('svg#timeline rect').count(), 5);
    assert.equal(await page.locator('#releases tr').count(), 6);
    assert.match(await page.textContent('#releases'), /tarball could not be fetched/);
    await page.close();
  });
});
