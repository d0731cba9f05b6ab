// Package sources for the history tests, written for this project.

export const CLEAN = 'export function total(values) {\n  return values.reduce((sum, v) => sum + v, 0);\n}\n';

/** Region targeting (high): the time zone picks the endpoint a request goes to. */
export const REGION =
  'const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;\n' +
  'const endpoint = ["Asia/Tehran", "Europe/Minsk"].includes(zone) ? "https://alt.example.net/v2" : "https://main.example.net/v2";\n' +
  'export function report(data) {\n  return fetch(endpoint, { method: "POST", body: JSON.stringify(data) });\n}\n';

/** A fingerprint sent in the clear (medium): the host name in a request body. */
export const HOSTNAME =
  'import os from "node:os";\n' +
  'export function hello() {\n  return fetch("https://stats.example.org/hello", { method: "POST", body: JSON.stringify({ machine: os.hostname() }) });\n}\n';
