// Mock LLM APIs (Anthropic Messages, OpenAI Chat Completions and Responses, Gemini) that record every
// request and answer with small valid responses, streaming (SSE) when asked. They run inside the sandbox,
// so they import nothing but node: modules.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CapturedRequest {
  /** Arrival order within one run. */
  seq: number;
  scheme: 'http' | 'https';
  /** Listening port that received it. */
  port: number;
  /** TLS server name indication, when the client sent one. */
  sni?: string;
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Lower-case names, values decoded as UTF-8 when the raw bytes are valid UTF-8. */
  headers: [string, string][];
  /** Header names as sent: casing and order. */
  headerNames?: string[];
  /** When the request started to arrive (epoch ms). */
  receivedAt?: number;
  /** The address the client connected to, when it was not loopback (a direct connect to an outside IP). */
  localAddress?: string;
  body: string;
  bodyTruncated: boolean;
  /** Came through the mock proxy (absolute-form request or CONNECT tunnel). */
  viaProxy?: boolean;
  /** What the mock answered. */
  status: number;
}

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Node parses header bytes as latin1; a tool that writes UTF-8 bytes (e.g. a zero-width mark) gets them back here. */
export function decodeHeaderValue(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

export function headerPairs(rawHeaders: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push([rawHeaders[i]!.toLowerCase(), decodeHeaderValue(rawHeaders[i + 1]!)]);
  return out;
}

interface MockAnswer {
  status: number;
  contentType: string;
  /** One string, or SSE/JSON-array chunks written one by one. */
  chunks: string[];
}

const REPLY = 'hi';
const DEFAULT_MODEL = 'default';
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id in the shape the real APIs use (`msg_01…`, `chatcmpl-…`), fresh for every answer. */
function rid(prefix: string, n: number, alphabet = B62): string {
  let s = prefix;
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}
const HEX = '0123456789abcdef';

function json(status: number, value: unknown): MockAnswer {
  return { status, contentType: 'application/json', chunks: [JSON.stringify(value)] };
}

function sse(events: { event?: string; data: unknown }[], done?: boolean): MockAnswer {
  const chunks = events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  if (done) chunks.push('data: [DONE]\n\n');
  return { status: 200, contentType: 'text/event-stream', chunks };
}

function parseBody(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function anthropicMessages(req: Record<string, unknown>): MockAnswer {
  const model = typeof req.model === 'string' ? req.model : DEFAULT_MODEL;
  const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const base = { id: rid('msg_01', 22), type: 'message', role: 'assistant', model };
  if (req.stream !== true) {
    return json(200, { ...base, content: [{ type: 'text', text: REPLY }], stop_reason: 'end_turn', stop_sequence: null, usage });
  }
  return sse([
    { event: 'message_start', data: { type: 'message_start', message: { ...base, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } } } },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: REPLY } } },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}

function openaiChat(req: Record<string, unknown>): MockAnswer {
  const model = typeof req.model === 'string' ? req.model : DEFAULT_MODEL;
  const base = { id: rid('chatcmpl-', 29), created: Math.floor(Date.now() / 1000), model, system_fingerprint: rid('fp_', 10, HEX) };
  const usage = { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 };
  if (req.stream !== true) {
    return json(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: REPLY }, finish_reason: 'stop', logprobs: null }], usage });
  }
  const chunk = (delta: unknown, finish: string | null) => ({ data: { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] } });
  return sse([chunk({ role: 'assistant', content: '' }, null), chunk({ content: REPLY }, null), chunk({}, 'stop'), { data: { ...base, object: 'chat.completion.chunk', choices: [], usage } }], true);
}

function openaiResponses(req: Record<string, unknown>): MockAnswer {
  const model = typeof req.model === 'string' ? req.model : DEFAULT_MODEL;
  const text = { type: 'output_text', text: REPLY, annotations: [] };
  const item = { id: rid('msg_', 48, HEX), type: 'message', status: 'completed', role: 'assistant', content: [text] };
  const usage = { input_tokens: 10, output_tokens: 1, total_tokens: 11 };
  const response = { id: rid('resp_', 48, HEX), object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'completed', model, output: [item], usage };
  if (req.stream !== true) return json(200, response);
  let n = 0;
  const ev = (type: string, rest: Record<string, unknown>) => ({ event: type, data: { type, sequence_number: n++, ...rest } });
  return sse([
    ev('response.created', { response: { ...response, status: 'in_progress', output: [] } }),
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
    ev('response.content_part.added', { output_index: 0, item_id: item.id, content_index: 0, part: { ...text, text: '' } }),
    ev('response.output_text.delta', { output_index: 0, item_id: item.id, content_index: 0, delta: REPLY }),
    ev('response.output_text.done', { output_index: 0, item_id: item.id, content_index: 0, text: REPLY }),
    ev('response.content_part.done', { output_index: 0, item_id: item.id, content_index: 0, part: text }),
    ev('response.output_item.done', { output_index: 0, item }),
    ev('response.completed', { response }),
  ]);
}

function geminiCandidate(model: string) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text: REPLY }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 },
    modelVersion: model,
  };
}

function models(): MockAnswer {
  const m = { id: DEFAULT_MODEL, object: 'model', type: 'model', display_name: 'Default', created: 1735689600, created_at: '2025-01-01T00:00:00Z', owned_by: 'system' };
  return json(200, { object: 'list', data: [m], has_more: false, first_id: m.id, last_id: m.id, models: [{ name: `models/${DEFAULT_MODEL}`, displayName: 'Default' }] });
}

/** Chooses the answer for a request; pure, so the routing is testable without sockets. */
export function answerFor(method: string, url: string, body: string): MockAnswer {
  const u = new URL(url, 'http://mock.invalid');
  const path = u.pathname.replace(/\/+$/, '');
  const req = parseBody(body);
  const gemini = /\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(path);
  if (method === 'POST' && path.endsWith('/messages/count_tokens')) return json(200, { input_tokens: 10 });
  if (method === 'POST' && path.endsWith('/messages')) return anthropicMessages(req);
  if (method === 'POST' && path.endsWith('/chat/completions')) return openaiChat(req);
  if (method === 'POST' && path.endsWith('/responses')) return openaiResponses(req);
  if (method === 'POST' && gemini) {
    const model = gemini[1]!;
    if (gemini[2] === 'countTokens') return json(200, { totalTokens: 10 });
    if (gemini[2] === 'generateContent') return json(200, geminiCandidate(model));
    if (u.searchParams.get('alt') === 'sse') return sse([{ data: geminiCandidate(model) }]);
    return json(200, [geminiCandidate(model)]);
  }
  if (method === 'GET' && /\/models$/.test(path)) return models();
  return json(404, { type: 'error', error: { type: 'not_found_error', message: 'Not Found' } });
}

export interface RequestMeta {
  scheme: 'http' | 'https';
  port: number;
  viaProxy?: boolean;
}

/** The local address a connection arrived at, when it is not a loopback one (the sandbox routes every
 *  address to loopback, so a connect to an outside IP lands here). */
export function outsideLocal(address: string | undefined): { localAddress?: string } {
  if (!address) return {};
  const a = address.replace(/^::ffff:/, '');
  return a.startsWith('127.') || a === '::1' ? {} : { localAddress: a };
}

/** A node:http request listener that records the request, then answers it. */
export function mockHandler(meta: RequestMeta, record: (r: Omit<CapturedRequest, 'seq'>) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAt = Date.now();
    const parts: Buffer[] = [];
    let size = 0;
    let truncated = false;
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.length > MAX_BODY_BYTES) {
        truncated = true;
        const room = MAX_BODY_BYTES - size;
        if (room > 0) parts.push(chunk.subarray(0, room));
        size = MAX_BODY_BYTES;
        return;
      }
      size += chunk.length;
      parts.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      const url = req.url ?? '/';
      const answer = answerFor(req.method ?? 'GET', url, body);
      const socket = req.socket as { servername?: string | false };
      const sni = typeof socket.servername === 'string' ? socket.servername : undefined;
      record({
        scheme: meta.scheme,
        port: meta.port,
        ...(sni ? { sni } : {}),
        method: req.method ?? 'GET',
        url,
        headers: headerPairs(req.rawHeaders),
        headerNames: req.rawHeaders.filter((_, i) => i % 2 === 0),
        receivedAt,
        ...outsideLocal(req.socket.localAddress),
        body,
        bodyTruncated: truncated,
        ...(meta.viaProxy || /^https?:\/\//i.test(url) ? { viaProxy: true } : {}),
        status: answer.status,
      });
      res.writeHead(answer.status, {
        'content-type': answer.contentType,
        'request-id': rid('req_01', 22),
        ...(answer.contentType === 'text/event-stream' ? { 'cache-control': 'no-cache' } : {}),
      });
      for (const c of answer.chunks) res.write(c);
      res.end();
    });
    req.on('error', () => res.destroy());
  };
}
