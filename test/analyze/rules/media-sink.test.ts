import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/media-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: ['game.play();', 'document.getElementById("v").play();', 'synth.speak(x);', 'scenario.play(step);', 'parrot.vibrate();'],
  invalid: [
    { code: 'new Audio(src).play();', expect: ['media new Audio new Audio(sr', 'media Audio().play new Audio(sr'] },
    { code: 'audioEl.play();', expect: ['media audioEl.play audioEl.play'] },
    { code: 'window.speechSynthesis.speak(u);', expect: ['media window.speechSynthesis.speak window.speec'] },
    { code: 'const ctx = new AudioContext();', expect: ['media new AudioContext new AudioCon'] },
    { code: 'navigator.vibrate([200, 100, 200]);', expect: ['media navigator.vibrate navigator.vi'] },
  ],
});
