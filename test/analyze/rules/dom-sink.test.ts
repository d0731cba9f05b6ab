import { ruleTable, sinks } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/dom-sink.js';

ruleTable({
  rule,
  summarise: sinks,
  valid: ['opts.html = x;', 'el.remove();', 'params.append("a", b);', 'cfg.title = t;', 'node.style;', 'list.remove(x);', 'doc.write(x);'],
  invalid: [
    { code: 'el.innerHTML = "<p>" + msg + "</p>";', expect: ['dom innerHTML el.innerHTML'] },
    { code: 'document.body.textContent = "";', expect: ['dom textContent document.bod'] },
    { code: 'document.body.style.display = "none";', expect: ['dom style.display document.bod'] },
    { code: 'root.style.filter = "blur(8px)";', expect: ['dom style.filter root.style.f'] },
    { code: 'document.body.remove();', expect: ['dom document.body.remove document.bod'] },
    { code: 'document.querySelector("#app").remove();', expect: ['dom document.querySelector().remove document.que'] },
    { code: 'document.write(banner);', expect: ['dom document.write document.wri'] },
    { code: 'location.href = "https://example.org/blocked";', expect: ['dom location location.hre'] },
    { code: 'window.location.replace(next);', expect: ['dom window.location.replace window.locat'] },
    { code: 'document.documentElement.classList.add("locked");', expect: ['dom document.documentElement.classList.add document.doc'] },
    { code: 'alert("Not available");', expect: ['dom alert alert("Not a'] },
    { code: 'new Notification(title);', expect: ['dom new Notification new Notifica'] },
  ],
});
