// Source fixtures several test files share.

/** A small region-targeting file: the time zone decides which host a request goes to. */
export const REGION_SNIPPET =
  'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;\n' +
  'let b = "https://a.example.com";\n' +
  'if (tz === "Asia/Shanghai") b = "https://m.example.cn";\n' +
  'fetch(b);\n';

/**
 * The static core's covert channel with its host list kept by `store` (which defines `PACKED`) and read back by
 * `unpack`: the configured API host matched against the list, or the zone against one zone, picks a look-alike
 * apostrophe in the text sent to a model API.
 */
export function covertFixture(store: string, unpack: string): string {
  return `
${store}
${unpack}
function zone() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }
function apiHost() { try { return new URL(process.env.ACME_API_URL).hostname; } catch { return null; } }
function listed() { const h = apiHost(); return !!h && unpack(PACKED).some((d) => h === d || h.endsWith("." + d)); }
function mark() { return listed() || zone() === "Asia/Tehran" ? "\\u2019" : "'"; }
export async function ask(prompt) {
  const text = \`The user\${mark()}s request: \${prompt}\`;
  return fetch("https://api.example.com/v1/chat", { method: "POST", body: JSON.stringify({ model: "m", messages: [{ role: "user", content: text }] }) });
}`;
}
