import { ruleTable, sources } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/locale-source.js';

ruleTable({
  rule,
  summarise: sources,
  valid: [
    'const l = opts.locale;',
    'const lang = doc.language;',
    'i18n.getLocaleName();',
    'const f = theme.fonts;',
    'console.log("locale settings");',
    'const cmd = "locale-gen";',
    'const msg = "Run fc-list to see fonts: " + x;',
  ],
  invalid: [
    { code: 'const l = Intl.DateTimeFormat().resolvedOptions().locale;', expect: ['locale Intl.DateTimeFormat().resolvedOptions().locale'] },
    { code: 'const l = navigator.languages[0] || navigator.language;', expect: ['locale navigator.languages', 'locale navigator.language'] },
    { code: 'const l = app.getLocale();', expect: ['locale app.getLocale()'] },
    { code: 'const l = clientInformation.browserLanguage;', expect: ['locale clientInformation.browserLanguage'] },
    { code: 'const out = execSync("locale").toString();', expect: ['locale "locale"'] },
    { code: "spawnSync('defaults', ['read', '-g', 'AppleLanguages']);", expect: ["locale 'AppleLanguages'"] },
    { code: 'run(`reg query "HKCU\\\\Control Panel\\\\International" /v sLanguage`);', expect: ['locale `reg query "HKCU\\\\Control Panel\\\\International" /v sLanguage`'] },
    { code: 'exec("reg query \\"HKCU\\\\Control Panel\\\\International\\" /v LocaleName");', expect: ['locale "reg query \\"HKCU\\\\Control Panel\\\\International\\" /v LocaleName"'] },
    { code: 'cp.exec("powershell -NoProfile Get-Culture | Select -Expand Name");', expect: ['locale "powershell -NoProfile Get-Culture | Select -Expand Name"'] },
    { code: 'const fonts = execFileSync("fc-list", [":lang=th"]);', expect: ['locale "fc-list"'] },
    { code: 'const map = await navigator.keyboard.getLayoutMap();', expect: ['locale navigator.keyboard.getLayoutMap()'] },
    { code: 'for (const f of document.fonts) use(f);', expect: ['locale document.fonts'] },
    { code: 'exec(`reg query "HKCU\\\\Control Panel\\\\International\\\\Geo" /v Nation`);', expect: ['locale `reg query "HKCU\\\\Control Panel\\\\International\\\\Geo" /v Nation`'] },
    { code: 'const g = kernel32.GetUserGeoID(16);', expect: ['locale kernel32.GetUserGeoID(16)'] },
  ],
});
