import { defineRule, oneOf } from '../rule.js';
import { calleeName, memberName, span, templateText, unwrapChain } from '../ast.js';
import { GEO_ID_DETAIL, geoIdCommand } from '../../data/region.js';

/**
 * Commands and settings that print the user's locale, language or installed fonts: `locale`,
 * `localectl`, `defaults read -g AppleLocale`, the Windows registry's International key
 * (`LocaleName`), PowerShell's culture cmdlets, `wmic os get locale`, `fc-list`.
 */
const LOCALE_COMMAND =
  /^\s*(?:locale|localectl(?:\s+status)?|fc-list\b[^\n]*)\s*$|\bApple(?:Locale|Languages)\b|\bLocaleName\b|Control Panel\\+International|\bGet-(?:Culture|UICulture|WinSystemLocale|WinUserLanguageList|WinHomeLocation)\b|\bos\s+get\s+(?:locale|oslanguage)\b/i;

export function isLocaleCommand(s: string): boolean {
  return s.length <= 200 && LOCALE_COMMAND.test(s);
}

/** A command's source detail: the Windows GeoId commands are told apart (their number is not an ISO code). */
function commandDetail(v: string): string {
  return `command ${JSON.stringify(v)} ${geoIdCommand(v) ?? '(prints the locale)'}`;
}

export default defineRule({
  meta: {
    id: 'locale-source',
    category: 'fingerprint',
    description: "Reads of the user's locale and language, keyboard layout and installed fonts.",
    docs:
      'Recognised reads: `Intl.*().resolvedOptions().locale`, `navigator.language` / `navigator.languages`, ' +
      '`app.getLocale()`, LANG / LANGUAGE / LC_* locale categories (see env-read), commands whose output is the locale ' +
      '(`locale`, `localectl`, `defaults read -g AppleLocale`, `reg query` of the International key, `Get-Culture`, ' +
      '`fc-list`), the Windows GeoId (`Geo` key `Nation`, `Get-WinHomeLocation`, `GetUserGeoID`: a location number of its own, compared only with numbers), the keyboard layout (`navigator.keyboard.getLayoutMap()`) and installed fonts (`document.fonts`, ' +
      '`queryLocalFonts()`), which tell the script and language a user writes in.',
  },
  create(ctx) {
    return {
      only: {
        MemberExpression: { names: oneOf(['locale', 'language', 'languages', 'userLanguage', 'browserLanguage', 'systemLanguage', 'fonts']) },
        CallExpression: { names: oneOf(['getLocale', 'getSystemLocale', 'getPreferredSystemLanguages', 'getLayoutMap', 'queryLocalFonts', 'GetUserGeoID']) },
        Literal: { strings: { min: 6, max: 200 } },
      },
      MemberExpression(node) {
        const name = memberName(node);
        if (name === 'locale') {
          const obj = unwrapChain(node.object);
          if (obj.type === 'CallExpression' && calleeName(obj) === 'resolvedOptions') ctx.recordSource('locale', span(node), ctx.slice(span(node), 120));
        } else if (name === 'language' || name === 'languages' || name === 'userLanguage' || name === 'browserLanguage' || name === 'systemLanguage') {
          const obj = unwrapChain(node.object);
          const objName = obj.type === 'Identifier' ? obj.name : memberName(obj);
          if (objName === 'navigator' || objName === 'clientInformation') ctx.recordSource('locale', span(node), `navigator.${name}`);
        } else if (name === 'fonts') {
          const obj = unwrapChain(node.object);
          if (obj.type === 'Identifier' && obj.name === 'document') ctx.recordSource('locale', span(node), 'document.fonts (installed fonts)');
        }
      },
      CallExpression(node) {
        const name = calleeName(node);
        if (name === 'getLocale' || name === 'getSystemLocale' || name === 'getPreferredSystemLanguages') {
          ctx.recordSource('locale', span(node), ctx.slice(span(node), 80));
        } else if (name === 'GetUserGeoID') {
          ctx.recordSource('locale', span(node), `GetUserGeoID() ${GEO_ID_DETAIL}`);
        } else if (name === 'getLayoutMap' || name === 'queryLocalFonts') {
          ctx.recordSource('locale', span(node), name === 'getLayoutMap' ? 'navigator.keyboard.getLayoutMap() (keyboard layout)' : 'queryLocalFonts() (installed fonts)');
        }
      },
      Literal(node) {
        const v = node.value;
        if (typeof v === 'string' && v.length >= 6 && isLocaleCommand(v)) ctx.recordSource('locale', span(node), commandDetail(v));
      },
      TemplateLiteral(node) {
        const v = templateText(node);
        if (v !== null && isLocaleCommand(v)) ctx.recordSource('locale', span(node), commandDetail(v));
      },
    };
  },
});
