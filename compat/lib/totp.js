// What an authenticator app does, written here with node:crypto only: the
// seed of an otpauth:// URI (RFC 4648 base32) and its codes (RFC 6238 TOTP).
import { createHmac } from 'node:crypto';

// RFC 4648 base32, as the otpauth:// secret is written.
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${text}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP: HMAC-SHA-1 over the 30-second step count, dynamic truncation.
export function totp(secret, whenMs = Date.now(), digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor(whenMs / 1000 / 30)));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}
