import { defineRule, oneOf } from '../rule.js';
import { memberName, span, unwrapChain } from '../ast.js';

/** Properties whose assignment changes what a page shows. */
const DOM_PROPS = new Set(['innerHTML', 'outerHTML', 'innerText', 'textContent', 'cssText', 'className']);
/** Methods that change the document (distinctive enough alone). */
const DOM_METHODS = new Set(['insertAdjacentHTML', 'insertAdjacentElement', 'appendChild', 'removeChild', 'replaceChild', 'replaceChildren', 'setProperty']);
/** Elements that make a page unusable when removed or replaced. */
/** Every call name the checks below accept (a path's last segment is the name); the dotted path is built only for these. */
const CALL_NAMES = new Set([...DOM_METHODS, 'write', 'writeln', 'remove', 'add', 'toggle', 'replace', 'assign', 'reload', 'alert', 'confirm', 'prompt']);
const PAGE_ROOTS = /(^|\.)(document\.(body|documentElement|head)|documentElement)$|(querySelector|querySelectorAll|getElementById|getElementsByTagName|getElementsByClassName)\(\)$/;

export default defineRule({
  meta: {
    id: 'dom-sink',
    category: 'exfiltration',
    description: 'Changes to a web page: HTML and text written, styles changed, the page removed or navigated away, dialogs.',
    docs:
      'Recognises assignments to `innerHTML`, `outerHTML`, `innerText`, `textContent`, `className`, `style.*`, ' +
      '`document.title`, `location` / `location.href`; calls of `document.write`, `insertAdjacentHTML`, `appendChild`, ' +
      '`removeChild`, `replaceChildren`, `style.setProperty`, `classList.*`, `.remove()` of the body, the document ' +
      'element or a queried element, `location.replace/assign/reload`, `alert`, `confirm`, `prompt` and `new Notification`. ' +
      'A region decision that reaches one of them makes the page differ, or stop working, for users of some regions.',
  },
  create(ctx) {
    return {
      only: { CallExpression: { names: oneOf(CALL_NAMES) }, NewExpression: { names: (n) => n === 'Notification' } },
      AssignmentExpression(node, ev) {
        const t = unwrapChain(node.left);
        if (t.type !== 'MemberExpression') return;
        const prop = memberName(t);
        if (prop === null) return;
        const obj = unwrapChain(t.object);
        let detail: string | null = null;
        if (DOM_PROPS.has(prop)) detail = prop;
        else if (memberName(obj) === 'style') detail = `style.${prop}`;
        else if (prop === 'title' && obj.type === 'Identifier' && obj.name === 'document') detail = 'document.title';
        else if ((prop === 'href' && (memberName(obj) === 'location' || (obj.type === 'Identifier' && obj.name === 'location'))) || (prop === 'location' && obj.type === 'Identifier' && (obj.name === 'window' || obj.name === 'document'))) detail = 'location';
        if (detail === null) return;
        ctx.recordSink('dom', span(node), ev.right, detail);
      },
      CallExpression(node, ev) {
        const name = ev.name;
        if (name === null || !CALL_NAMES.has(name)) return;
        const path = ev.path;
        let detail: string | null = null;
        if (DOM_METHODS.has(name) && path && path.includes('.')) detail = path;
        else if ((name === 'write' || name === 'writeln') && path === `document.${name}`) detail = path;
        else if (name === 'remove' && path && PAGE_ROOTS.test(path.slice(0, -'.remove'.length))) detail = path;
        else if (path && /(^|\.)classList\.(add|remove|toggle|replace)$/.test(path)) detail = path;
        else if (path && /(^|\.)location\.(replace|assign|reload)$/.test(path)) detail = path;
        else if ((name === 'alert' || name === 'confirm' || name === 'prompt') && (path === name || path === `window.${name}`)) detail = name;
        if (detail === null) return;
        ctx.recordSink('dom', span(node), ctx.graph.joinAll(ev.args), detail);
      },
      NewExpression(node, ev) {
        if (ev.name === 'Notification') ctx.recordSink('dom', span(node), ctx.graph.joinAll(ev.args), 'new Notification');
      },
    };
  },
});
