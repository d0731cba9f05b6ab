import { ruleTable, sources } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/locale-source.js';

ruleTable({
  rule,
  summarise: sources,
  valid: ['const l = opts.locale;', 'const lang = doc.language;', 'i18n.getLocaleName();'],
  invalid: [
    { code: 'const l = Intl.DateTimeFormat().resolvedOptions().locale;', expect: ['locale Intl.DateTimeFormat().resolvedOptions().locale'] },
    { code: 'const l = navigator.languages[0] || navigator.language;', expect: ['locale navigator.languages', 'locale navigator.language'] },
    { code: 'const l = app.getLocale();', expect: ['locale app.getLocale()'] },
  ],
});
