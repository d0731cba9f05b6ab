import { defineRule } from '../rule.js';
import { span } from '../ast.js';

// Request bodies of the common LLM APIs (Anthropic Messages, OpenAI Chat/Responses, Gemini) share these shapes.
const CONTENT_KEYS = new Set(['messages', 'system', 'prompt', 'contents', 'input', 'instructions', 'systemInstruction']);
const CONTROL_KEYS = new Set(['model', 'max_tokens', 'maxTokens', 'max_output_tokens', 'temperature', 'stream', 'generationConfig', 'tools', 'tool_choice']);

export default defineRule({
  meta: {
    id: 'model-request-sink',
    category: 'exfiltration',
    description: 'Objects shaped like LLM API requests (messages/system/prompt with model, max_tokens, tools...).',
    docs:
      'Whatever reaches `messages`, `system`, `prompt`, `contents` or `input` of a request to a model API is sent to ' +
      'the model provider. An object literal with one of those keys and a model-control key (`model`, `max_tokens`, ' +
      '`stream`, `tools`, ...) is treated as such a request body; its whole value is a sink.',
  },
  create(ctx) {
    return {
      ObjectExpression(node, ev) {
        let content: string | null = null;
        let control = false;
        for (const p of node.properties) {
          if (p.type !== 'Property' || p.computed) continue;
          const k = p.key.type === 'Identifier' ? p.key.name : String(p.key.value);
          if (CONTENT_KEYS.has(k)) content ??= k;
          else if (CONTROL_KEYS.has(k)) control = true;
        }
        if (content === null || !control || ev.value.length === 0) return;
        ctx.recordSink('model-request', span(node), ev.value, `LLM request body (${content})`);
      },
    };
  },
});
