import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../src/model/errors.js';
import { chooseBin, needsInstall } from '../../src/probe/acquire-tool.js';
import { parseProbeArgs } from '../../src/probe/command.js';
import { parseDnsQuery, refusedAnswer } from '../../src/probe/dns-stub.js';
import { answerFor, decodeHeaderValue } from '../../src/probe/mock-llm.js';
import { buildMatrix, hostsFile, personaEnv, vendorKeys, BASELINE } from '../../src/probe/persona.js';
import { isLoopback, outsideRemote } from '../../src/probe/preload.js';

function dnsQuery(name: string, qtype: number): Buffer {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(qtype, 1);
  tail.writeUInt16BE(1, 3);
  return Buffer.concat([header, ...labels, tail]);
}

function sseData(chunks: string[]): unknown[] {
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as unknown);
}

describe('DNS stub', () => {
  it('parses the question and answers REFUSED with the same id', () => {
    const q = dnsQuery('Telemetry.Example.org', 28);
    const parsed = parseDnsQuery(q)!;
    assert.deepEqual(parsed.query, { name: 'telemetry.example.org', type: 'AAAA' });
    const a = refusedAnswer(q, parsed.questionEnd);
    assert.equal(a.readUInt16BE(0), 0x1234);
    assert.equal(a[2]! & 0x80, 0x80);
    assert.equal(a[3]! & 0x0f, 5);
    assert.equal(a.readUInt16BE(6), 0);
  });
  it('rejects truncated packets', () => {
    assert.equal(parseDnsQuery(dnsQuery('a.b', 1).subarray(0, 14)), undefined);
    assert.equal(parseDnsQuery(Buffer.alloc(5)), undefined);
  });
});

describe('mock LLM APIs', () => {
  it('answers Anthropic messages, streaming and not, and count_tokens', () => {
    const plain = JSON.parse(answerFor('POST', '/v1/messages?beta=true', '{"model":"m"}').chunks[0]!);
    assert.equal(plain.content[0].text, 'hi');
    const s = answerFor('POST', '/v1/messages', '{"model":"m","stream":true}');
    assert.equal(s.contentType, 'text/event-stream');
    assert.deepEqual(
      sseData(s.chunks).map((e) => (e as { type: string }).type),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.equal(JSON.parse(answerFor('POST', '/v1/messages/count_tokens', '{}').chunks[0]!).input_tokens, 10);
  });
  it('answers OpenAI chat completions and responses', () => {
    const chat = answerFor('POST', '/v1/chat/completions', '{"stream":true}');
    assert.equal(chat.chunks[chat.chunks.length - 1], 'data: [DONE]\n\n');
    const resp = sseData(answerFor('POST', '/v1/responses', '{"stream":true}').chunks) as { type: string }[];
    assert.equal(resp[resp.length - 1]!.type, 'response.completed');
    assert.equal(JSON.parse(answerFor('POST', '/v1/responses', '{}').chunks[0]!).output[0].content[0].text, 'hi');
  });
  it('answers Gemini generateContent and streamGenerateContent', () => {
    const g = JSON.parse(answerFor('POST', '/v1beta/models/gemini-x:generateContent', '{}').chunks[0]!);
    assert.equal(g.candidates[0].content.parts[0].text, 'hi');
    assert.equal(answerFor('POST', '/v1beta/models/gemini-x:streamGenerateContent?alt=sse', '{}').contentType, 'text/event-stream');
    assert.ok(Array.isArray(JSON.parse(answerFor('POST', '/v1beta/models/gemini-x:streamGenerateContent', '{}').chunks[0]!)));
  });
  it('answers unknown paths 404', () => {
    assert.equal(answerFor('GET', '/telemetry', '').status, 404);
    assert.equal(answerFor('HEAD', '/', '').status, 404);
  });
  it('recovers UTF-8 header bytes', () => {
    assert.equal(decodeHeaderValue('a\u00e2\u0080\u008b'), 'a\u200b');
    assert.equal(decodeHeaderValue('caf\u00e9'), 'caf\u00e9');
  });
});

describe('network evidence helpers', () => {
  it('reads /proc/net addresses and ignores loopback', () => {
    assert.equal(outsideRemote('0100007F:01BB'), undefined);
    assert.equal(outsideRemote('00000000:0000'), undefined);
    assert.equal(outsideRemote('010200C0:01BB'), '192.0.2.1:443');
    assert.equal(outsideRemote('00000000000000000000000001000000:0050'), undefined);
    assert.match(outsideRemote('B80D0120000000000000000001000000:0035')!, /^\[2001:0db8:.*\]:53$/);
  });
  it('tells loopback from outside addresses', () => {
    assert.ok(isLoopback('127.0.0.53') && isLoopback('::1') && !isLoopback('10.0.0.1'));
  });
});

describe('personas and arguments', () => {
  it('parses a matrix, options and the tool arguments after --', () => {
    const a = parseProbeArgs(['pkg@1', '--matrix', 'tz=UTC,Asia/Shanghai', 'host=127.0.0.1,api.example.cn', '--format', 'json', '--timeout', '20', '--env', 'A=b=c', '--', '-p', 'say hi']);
    assert.equal(a.target, 'pkg@1');
    assert.deepEqual(a.matrix, { tz: ['UTC', 'Asia/Shanghai'], host: ['127.0.0.1', 'api.example.cn'] });
    assert.deepEqual([a.format, a.timeoutSec, a.repeat, a.env, a.toolArgs], ['json', 20, 2, { A: 'b=c' }, ['-p', 'say hi']]);
    assert.equal(buildMatrix(a.matrix).length, 4);
  });
  it('rejects bad input with one-line user errors', () => {
    const bad: string[][] = [
      [],
      ['x', '--matrix', 'tz=../../etc/passwd'],
      ['x', '--matrix', 'tz=Mars/Base'],
      ['x', '--matrix', 'color=red'],
      ['x', '--format', 'xml'],
      ['x', '--repeat', '1'],
      ['x', '--env', 'no-equals'],
      ['x', 'y'],
      ['x', '--matrix', 'proxy=http://p.example:443'],
    ];
    for (const args of bad) assert.throws(() => parseProbeArgs(args), (e: unknown) => e instanceof UserError && !e.message.includes('\n'), args.join(' '));
  });
  it('varies one dimension at a time by default, spread over regions', () => {
    const m = buildMatrix(undefined);
    assert.deepEqual(m[0], BASELINE);
    assert.ok(m.some((p) => p.tz === 'Asia/Shanghai' && p.host === '127.0.0.1'));
    assert.ok(m.some((p) => p.host === 'api.example.cn' && p.tz === 'UTC'));
    assert.ok(m.some((p) => p.lang === 'pt_BR.UTF-8' && p.tz === 'UTC'));
    assert.equal(m.length, 13);
  });
  it('gives the tool only what it needs, with every base URL pointing at the persona host', () => {
    const env = personaEnv({ ...BASELINE, host: 'api.example.cn', proxy: 'http://proxy.example.cn:3128' }, { X: '1' }, vendorKeys());
    assert.equal(env.ANTHROPIC_BASE_URL, 'https://api.example.cn');
    assert.equal(env.OPENAI_BASE_URL, 'https://api.example.cn/v1');
    assert.equal(env.HTTPS_PROXY, 'http://proxy.example.cn:3128');
    assert.equal(env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt');
    assert.equal(env.X, '1');
    assert.equal(env.HOME, '/home/alex');
    assert.equal('NODE_OPTIONS' in env, false);
    assert.match(env.ANTHROPIC_API_KEY!, /^sk-ant-api03-[A-Za-z0-9_-]{93}AA$/);
    assert.match(env.OPENAI_API_KEY!, /^sk-proj-[A-Za-z0-9_-]{156}$/);
    assert.match(env.GEMINI_API_KEY!, /^AIza[0-9A-Za-z_-]{35}$/);
    assert.doesNotMatch(JSON.stringify(env), /telltale|probe|sandbox|mock|dummy/i);
    assert.equal('SSH_AUTH_SOCK' in env, false);
    assert.match(hostsFile([{ ...BASELINE, host: 'api.example.cn' }], BASELINE), /^127\.0\.0\.1\t.*api\.example\.cn/m);
  });
  it('picks the bin named like the package', () => {
    assert.equal(chooseBin({ name: '@s/tool', bin: { other: 'o.js', tool: 't.js' } }), 't.js');
    assert.equal(chooseBin({ name: 'x', bin: 'cli.js' }), 'cli.js');
    assert.throws(() => chooseBin({ name: 'x' }), UserError);
  });
  it("installs a launcher's per-platform optional dependencies (a native tool shipped through npm), and nothing when there is none", () => {
    assert.equal(needsInstall({ name: 'launcher', optionalDependencies: { 'launcher-linux-x64': 'npm:launcher@1.0.0-linux-x64' } }), true);
    assert.equal(needsInstall({ name: 'x', dependencies: { y: '1' } }), true);
    assert.equal(needsInstall({ name: 'x', dependencies: {}, optionalDependencies: {} }), false);
  });
});
