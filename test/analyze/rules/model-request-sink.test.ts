import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/model-request-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: ['const o = { messages: m };', 'const o = { model: "x", name: n };', 'const o = { messages: [], model: "m" };'],
  invalid: [
    { code: 'const body = { model: "m", max_tokens: 10, messages: msgs };', expect: ['model-request LLM request body (messages) { model: "m"'] },
    { code: 'const body = { contents: parts, generationConfig: cfg };', expect: ['model-request LLM request body (contents) { contents: '] },
    { code: 'const body = { model: m, input: text, stream: true };', expect: ['model-request LLM request body (input) { model: m, '] },
  ],
});
