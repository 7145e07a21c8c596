// A tiny SMTP server that catches what Hatch sends, so a test can read the
// links in its email. It speaks the part of SMTP (RFC 5321) a client needs to
// deliver a message without TLS or authentication: EHLO/HELO, MAIL FROM, RCPT
// TO, DATA with dot-unstuffing, RSET, NOOP and QUIT. It listens on the
// loopback interface only.
import { createServer } from 'node:net';

// Decodes quoted-printable text (soft line breaks and =XX escapes) as UTF-8.
function decodeQuotedPrintable(text) {
  const bytes = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// Parses a message into its headers, subject and decoded text (every part
// whose Content-Transfer-Encoding is quoted-printable is decoded).
function parseMessage(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const subject = (headers.subject ?? '').replace(/=\?utf-8\?q\?(.*?)\?=/gi, (_, q) => decodeQuotedPrintable(q.replace(/_/g, ' ')));
  return { headers, subject, text: decodeQuotedPrintable(raw.slice(split + 4)) };
}

export async function startSMTPCatcher() {
  const messages = [];
  const waiters = [];
  const sockets = new Set();

  function deliver(message) {
    messages.push(message);
    for (const w of waiters.splice(0)) w();
  }

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let data = null; // lines of the message while in DATA
    let envelope = { from: '', to: [] };
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 compat-catcher ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (line === '.') {
            deliver({ ...envelope, ...parseMessage(data.join('\r\n')) });
            data = null;
            envelope = { from: '', to: [] };
            reply('250 OK: queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-compat-catcher\r\n250-8BITMIME\r\n250 SMTPUTF8');
        else if (verb === 'HELO') reply('250 compat-catcher');
        else if (verb === 'MAIL') { envelope.from = line.replace(/^MAIL FROM:\s*<?([^>\s]*)>?.*$/i, '$1'); reply('250 OK'); }
        else if (verb === 'RCPT') { envelope.to.push(line.replace(/^RCPT TO:\s*<?([^>\s]*)>?.*$/i, '$1').toLowerCase()); reply('250 OK'); }
        else if (verb === 'DATA') { data = []; reply('354 End data with <CR><LF>.<CR><LF>'); }
        else if (verb === 'RSET') { envelope = { from: '', to: [] }; reply('250 OK'); }
        else if (verb === 'NOOP') reply('250 OK');
        else if (verb === 'QUIT') { reply('221 Bye'); socket.end(); }
        else reply('502 Command not implemented');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const taken = new Set();

  return {
    host: '127.0.0.1',
    port: server.address().port,
    messages,
    // The oldest message to rcpt not returned before, waiting up to timeoutMs.
    async waitFor(rcpt, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = messages.find((x) => !taken.has(x) && x.to.includes(rcpt.toLowerCase()));
        if (m) {
          taken.add(m);
          return m;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no email to ${rcpt} within ${timeoutMs} ms`);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => { clearTimeout(timer); resolve(); });
        });
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
