// Source evaluated inside the QuickJS sandbox before a decoder runs: just enough of Node's Buffer,
// atob/btoa and TextDecoder/TextEncoder for typical string decoders. It is an expression whose value
// is the function that turns the decoder's return value into a string.
export const SANDBOX_PRELUDE = String.raw`(function () {
  'use strict';
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function b64ToBytes(s) {
    s = String(s).replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+\/]/g, '');
    var out = [], buf = 0, bits = 0;
    for (var i = 0; i < s.length; i++) {
      buf = ((buf << 6) | B64.indexOf(s[i])) & 0xffffff;
      bits += 6;
      if (bits >= 8) { bits -= 8; out.push((buf >> bits) & 255); }
    }
    return out;
  }
  function bytesToB64(b, url) {
    var out = '';
    for (var i = 0; i < b.length; i += 3) {
      var n = (b[i] << 16) | ((b[i + 1] || 0) << 8) | (b[i + 2] || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
      out += i + 1 < b.length ? B64[(n >> 6) & 63] : (url ? '' : '=');
      out += i + 2 < b.length ? B64[n & 63] : (url ? '' : '=');
    }
    return url ? out.replace(/\+/g, '-').replace(/\//g, '_') : out;
  }
  function utf8Encode(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.codePointAt(i);
      if (c > 0xffff) i++;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }
  function utf8Decode(b) {
    var out = '';
    for (var i = 0; i < b.length; ) {
      var c = b[i++], need = 0, cp = 0;
      if (c < 0x80) { out += String.fromCharCode(c); continue; }
      else if (c >= 0xc2 && c < 0xe0) { need = 1; cp = c & 31; }
      else if (c >= 0xe0 && c < 0xf0) { need = 2; cp = c & 15; }
      else if (c >= 0xf0 && c < 0xf5) { need = 3; cp = c & 7; }
      else { out += '\uFFFD'; continue; }
      var ok = true;
      for (var k = 0; k < need; k++) {
        if (i >= b.length || (b[i] & 0xc0) !== 0x80) { ok = false; break; }
        cp = (cp << 6) | (b[i++] & 63);
      }
      out += ok && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
    }
    return out;
  }
  function latin1(b) {
    var out = '';
    for (var i = 0; i < b.length; i++) out += String.fromCharCode(b[i] & 255);
    return out;
  }
  class Buffer extends Uint8Array {
    static from(x, enc) {
      var bytes;
      if (typeof x === 'string') {
        enc = String(enc || 'utf8').toLowerCase();
        if (enc === 'base64' || enc === 'base64url') bytes = b64ToBytes(x);
        else if (enc === 'hex') {
          bytes = [];
          for (var i = 0; i + 1 < x.length; i += 2) {
            var v = parseInt(x.substr(i, 2), 16);
            if (v !== v) break;
            bytes.push(v);
          }
        } else if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') {
          bytes = [];
          for (var j = 0; j < x.length; j++) bytes.push(x.charCodeAt(j) & 255);
        } else bytes = utf8Encode(x);
      } else bytes = Array.prototype.slice.call(x);
      var buf = new Buffer(bytes.length);
      for (var k = 0; k < bytes.length; k++) buf[k] = bytes[k];
      return buf;
    }
    static alloc(n) { return new Buffer(n); }
    static isBuffer(x) { return x instanceof Buffer; }
    static concat(list) {
      var all = [];
      for (var i = 0; i < list.length; i++) for (var j = 0; j < list[i].length; j++) all.push(list[i][j]);
      return Buffer.from(all);
    }
    toString(enc) {
      enc = String(enc || 'utf8').toLowerCase();
      if (enc === 'base64') return bytesToB64(this, false);
      if (enc === 'base64url') return bytesToB64(this, true);
      if (enc === 'hex') {
        var h = '';
        for (var i = 0; i < this.length; i++) h += (this[i] < 16 ? '0' : '') + this[i].toString(16);
        return h;
      }
      if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') return latin1(this);
      return utf8Decode(this);
    }
  }
  globalThis.Buffer = Buffer;
  globalThis.atob = function (s) { return latin1(b64ToBytes(s)); };
  globalThis.btoa = function (s) { return bytesToB64(Buffer.from(String(s), 'latin1'), false); };
  globalThis.TextDecoder = class TextDecoder { decode(b) { return b === undefined ? '' : utf8Decode(new Uint8Array(b.buffer ? b.buffer : b)); } };
  globalThis.TextEncoder = class TextEncoder { encode(s) { return new Uint8Array(utf8Encode(String(s))); } };
  return function coerce(v) {
    if (typeof v === 'string') return v;
    if (v instanceof Buffer) return v.toString('utf8');
    return String(v);
  };
})()`;
