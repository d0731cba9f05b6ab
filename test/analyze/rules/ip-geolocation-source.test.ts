import { ruleTable, sources } from '../../helpers/rule-table.js';
import rule from '../../../src/analyze/rules/ip-geolocation-source.js';

ruleTable({
  rule,
  summarise: sources,
  valid: [
    'fetch("https://api.example.com/v1/ip-ranges");',
    'const s = "ipinfo";',
    'fetch("https://registry.npmjs.org/x");',
    // Coordinates of a shape, in a file that never asks for the device's position.
    'const x = shape.coords[0]; const g = map.geolocation;',
  ],
  invalid: [
    { code: 'fetch("https://ipinfo.io/json");', expect: ['ip-geolocation "https://ipinfo.io/json"'] },
    { code: 'get("http://ip-api.com/json/?fields=countryCode");', expect: ['ip-geolocation "http://ip-api.com/json/?fields=countryCode"'] },
    { code: 'const u = "https://api.ipify.org?format=json";', expect: ['ip-geolocation "https://api.ipify.org?format=json"'] },
    {
      code: 'navigator.geolocation.watchPosition((p) => show(p.coords.latitude));',
      expect: ['ip-geolocation navigator.geolocation', 'ip-geolocation p.coords'],
    },
  ],
});
