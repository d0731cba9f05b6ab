import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeDifferences } from '../../src/probe/analyze.js';
import type { FieldMap } from '../../src/probe/diff.js';
import { differenceFindings } from '../../src/probe/findings.js';
import { BASELINE, personaLabel, type Persona } from '../../src/probe/persona.js';
import { renderHtml, renderJson, renderText, type ProbeReport } from '../../src/probe/report.js';
import { HANG_GUARD_MS } from '../cli/run-cli.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function sample(): ProbeReport {
  const personas: Persona[] = [BASELINE, { ...BASELINE, host: 'api.example.cn' }, { ...BASELINE, tz: 'Asia/Shanghai' }, { ...BASELINE, host: 'x<script>alert(1)</script>' }];
  const dims = ['tz', 'host'] as const;
  const label = (p: Persona) => personaLabel(p, [...dims]);
  const fields = (p: Persona): FieldMap =>
    new Map([
      ['POST /v1/messages(m)#0.body.messages[0].content[1].text', `# currentDate\nToday${p.host.endsWith('.cn') ? '\u2019' : "'"}s date is 2026${p.tz === 'Asia/Shanghai' ? '/' : '-'}06-01.`],
      ['POST /v1/messages(m)#0.headers.x-client', `acme${p.tz.startsWith('Asia/') ? '\u200b' : ''}`],
      ['POST /v1/messages(m)#0.headers.host', p.host],
    ]);
  const groups = personas.map((p) => ({ label: label(p), persona: p, runs: [0, 1].map(() => ({ fields: fields(p), gaps: new Map<string, number>() })) }));
  const base = groups[0]!;
  const { differences, volatile } = analyzeDifferences(groups, { from: NOW.getTime(), to: NOW.getTime() });
  return {
    tool: { name: 'telltale', version: '0.1.0' },
    target: { spec: 'fixture', kind: 'folder', name: 'fixture-tool', version: '1.0.0' },
    sandbox: { mode: 'root', home: '/home/probe', workDir: '/srv/probe-project', toolDir: '/srv/probe-tool' },
    command: ['node', '/srv/probe-tool/cli.js', '-p', 'say hi'],
    dimensions: [...dims],
    baseline: base.label,
    personas: personas.map((p) => ({ label: label(p), persona: p })),
    runs: personas.map((p) => ({ label: label(p), repeat: 0, exitCode: 0, signal: null, timedOut: false, durationMs: 1200, requests: [], dnsQueries: [], nonLoopbackAttempts: 0, leftoverPids: [], interfaces: ['lo'], stdoutTail: '', stderrTail: '' })),
    differences,
    volatile,
    findings: differenceFindings(differences, base.label),
    stats: { ms: 5000, runs: 5, nonLoopbackAttempts: 0, leftoverProcesses: 0, unsealedRuns: 0 },
  };
}

function chromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      execFileSync(name, ['--version'], { stdio: 'ignore', timeout: HANG_GUARD_MS });
      return name;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

describe('probe report renderers', () => {
  it('text shows the persona × difference table with code points', () => {
    const text = renderText(sample());
    assert.match(text, /persona × difference/);
    const row = text.split('\n').find((l) => l.startsWith('tz=UTC,host=api.example.cn'))!;
    assert.match(row, /U\+2019/);
    assert.match(text.split('\n').find((l) => l.startsWith('tz=Asia/Shanghai'))!, /U\+200B.*U\+002F|U\+002F.*U\+200B/);
    assert.match(text, /non-loopback connection attempts: 0; leftover processes: 0/);
    assert.doesNotMatch(text, /static audit/);
  });

  it("text names the personas added for the static audit's comparisons, and those the limit left out", () => {
    const r = { ...sample(), guided: [{ dim: 'host' as const, value: 'gw.example.kr', because: 'cli.js:15:5: host-url includes "gw.example.kr" (satisfied by "gw.example.kr")' }], guidedNotRun: ['cli.js:20:1: timezone === "Asia/Seoul"'] };
    const text = renderText(r);
    assert.match(text, /^added for the static audit's comparisons: host=gw\.example\.kr \(cli\.js:15:5: host-url includes/m);
    assert.match(text, /^not run \(at most 64 personas\): 1 comparison\(s\) of the static audit, first cli\.js:20:1/m);
  });

  it('json round-trips', () => {
    const r = sample();
    assert.deepEqual(JSON.parse(renderJson(r)), JSON.parse(JSON.stringify(r)));
  });

  it('html is self-contained and escapes what the tool sent', () => {
    const html = renderHtml(sample());
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /x&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /\b(src|href)=|url\(|@import/);
    assert.match(html, /<mark>’⟨U\+2019⟩<\/mark>/);
  });

  const browser = chromium();
  it('html renders in headless Chromium', { skip: browser ? false : 'skipped: no chromium (install it with .ci/probe-deps.sh)', timeout: HANG_GUARD_MS }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telltale-probe-html-'));
    try {
      const file = path.join(dir, 'report.html');
      fs.writeFileSync(file, renderHtml(sample()));
      const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${path.join(dir, 'profile')}`];
      const dom = execFileSync(browser!, [...flags, '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: HANG_GUARD_MS, stdio: ['ignore', 'pipe', 'ignore'] });
      assert.match(dom, /<th class="covert-channel"[^>]*>D1<\/th>/);
      assert.match(dom, /U\+200B ZERO WIDTH SPACE/);
      const png = path.join(process.env.TELLTALE_PROBE_SCREENSHOT_DIR ?? dir, 'probe-report.png');
      execFileSync(browser!, [...flags, '--window-size=1280,1400', `--screenshot=${png}`, `file://${file}`], { timeout: HANG_GUARD_MS, stdio: 'ignore' });
      const bytes = fs.readFileSync(png);
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.ok(bytes.length > 20_000, `screenshot only ${bytes.length} bytes`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
