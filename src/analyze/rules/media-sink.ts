import { defineRule, oneOf } from '../rule.js';
import { span } from '../ast.js';

const MEDIA_CONSTRUCTORS = new Set(['Audio', 'AudioContext', 'webkitAudioContext', 'OscillatorNode', 'SpeechSynthesisUtterance']);

export default defineRule({
  meta: {
    id: 'media-sink',
    category: 'exfiltration',
    description: 'Sound and speech: new Audio(…), .play() of an audio or video element, speech synthesis, vibration.',
    docs:
      'Recognises `new Audio(…)`, `new AudioContext()`, `new SpeechSynthesisUtterance(…)`, `speechSynthesis.speak(…)`, ' +
      '`navigator.vibrate(…)` and `.play()` called on an audio or video element (`new Audio(…).play()`, ' +
      '`createElement("audio")`, a receiver named for audio, video, sound or a player). A region decision that plays ' +
      'something is an effect the user notices, for users of some regions only.',
  },
  create(ctx) {
    return {
      only: { CallExpression: { names: oneOf(['play', 'speak', 'vibrate']) }, NewExpression: { names: oneOf(MEDIA_CONSTRUCTORS) } },
      CallExpression(node, ev) {
        const name = ev.name;
        if (name !== 'play' && name !== 'speak' && name !== 'vibrate') return;
        const path = ev.path;
        if (path === null) return;
        const recv = path.slice(0, path.lastIndexOf('.'));
        const ok =
          name === 'play'
            ? /(^|\.)Audio\(\)$|createElement\(\)$|audio|video|sound|player|media/i.test(recv)
            : name === 'speak'
              ? /(^|\.)speechSynthesis$/.test(recv)
              : /(^|\.)navigator$/.test(recv);
        if (!ok) return;
        ctx.recordSink('media', span(node), ctx.graph.joinAll(ev.args, ev.receiver), path);
      },
      NewExpression(node, ev) {
        if (ev.name !== null && MEDIA_CONSTRUCTORS.has(ev.name)) ctx.recordSink('media', span(node), ctx.graph.joinAll(ev.args), `new ${ev.name}`);
      },
    };
  },
});
