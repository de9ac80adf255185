// A real SMTP server on loopback that keeps every message it receives and
// lists them over HTTP, so browser tests can read their invitation emails.
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2525);
const API_PORT = Number(process.env.E2E_MAIL_API_PORT ?? 2526);
// A slow mail server, for scripts/soak: each message is answered this late.
const DELAY_MS = Number(process.env.E2E_SMTP_DELAY_MS ?? 0);
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
          from: mail.from?.text ?? '',
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '',
          receivedAt: Date.now(),
        });
        setTimeout(callback, DELAY_MS);
      })
      .catch(callback);
  },
});
smtp.listen(SMTP_PORT, '127.0.0.1');

http
  .createServer((request, response) => {
    const url = new URL(request.url, `http://127.0.0.1:${API_PORT}`);
    if (url.pathname === '/health') {
      response.end('ok');
    } else if (url.pathname === '/messages') {
      const to = url.searchParams.get('to')?.toLowerCase();
      const found = to ? messages.filter((m) => m.to.includes(to)) : messages;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(found));
    } else {
      response.statusCode = 404;
      response.end('not found');
    }
  })
  .listen(API_PORT, '127.0.0.1');

console.log(`SMTP on ${SMTP_PORT}, messages on http://127.0.0.1:${API_PORT}/messages`);
