// A real DNS server on loopback for the browser tests: it answers TXT
// questions over UDP from records the tests publish over HTTP, so that a
// domain's Verify goes through the Center's real resolver.
import http from 'node:http';
import dns2 from 'dns2';

const { Packet } = dns2;
const DNS_PORT = Number(process.env.E2E_DNS_PORT ?? 2553);
const API_PORT = Number(process.env.E2E_DNS_API_PORT ?? 2554);
const records = new Map();

const server = dns2.createServer({
  udp: true,
  handle(request, send) {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (question && question.type === Packet.TYPE.TXT) {
      for (const value of records.get(question.name.toLowerCase().replace(/\.$/, '')) ?? []) {
        response.answers.push({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data: value });
      }
    }
    send(response);
  },
});
server.listen({ udp: { port: DNS_PORT, address: '127.0.0.1', type: 'udp4' } });

http
  .createServer((request, response) => {
    const url = new URL(request.url, `http://127.0.0.1:${API_PORT}`);
    if (url.pathname === '/health') {
      response.end('ok');
    } else if (url.pathname === '/records' && request.method === 'POST') {
      const name = (url.searchParams.get('name') ?? '').toLowerCase().replace(/\.$/, '');
      const value = url.searchParams.get('value') ?? '';
      records.set(name, [...(records.get(name) ?? []), value]);
      response.end('ok');
    } else {
      response.statusCode = 404;
      response.end();
    }
  })
  .listen(API_PORT, '127.0.0.1');
