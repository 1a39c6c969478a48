// Connects with Node's ws to the URL given as the first argument, sends one text message (the second argument) and
// prints {"protocol", "extensions", "extensionsHeader", "echoedMatches", "echoed", "closeCode"} as JSON: the negotiated
// subprotocol, the names of the extensions ws agreed to, the server's Sec-WebSocket-Extensions header as sent, whether
// the first message received equals the one sent, that message, and the close code.
// Options: --protocols a,b  the subprotocols offered, in order of preference (default chat.v2,chat.v1; "" offers none)
//          --deflate on|off whether ws offers permessage-deflate (default off)
//          --repeat N       send the message repeated N times (a compressible payload)
// Exits 0 on success; on an error, a non-101 answer, an unexpected close or a timeout it prints the reason to stderr
// and exits 1.
import { WebSocket } from 'ws';

const [url, messageArg, ...rest] = process.argv.slice(2);
const options = { protocols: 'chat.v2,chat.v1', deflate: 'off', repeat: '1' };
for (let i = 0; i + 1 < rest.length; i += 2) {
  options[rest[i].replace(/^--/, '')] = rest[i + 1];
}

const message = (messageArg ?? 'hello from ws').repeat(Number(options.repeat));
const protocols = options.protocols === '' ? [] : options.protocols.split(',');
const timeoutMs = 10_000;

if (!url) {
  console.error('usage: node ws-echo-client.mjs <ws://host:port/path> [message] [--protocols a,b] [--deflate on|off] [--repeat N]');
  process.exit(2);
}

function fail(reason) {
  console.error(`ws-echo-client: ${reason}`);
  process.exit(1);
}

const timer = setTimeout(() => fail(`no echo from ${url} within ${timeoutMs} ms`), timeoutMs);
const socket = new WebSocket(url, protocols, { perMessageDeflate: options.deflate === 'on' });
let echoed;
let extensionsHeader = '';

socket.on('upgrade', (response) => {
  extensionsHeader = response.headers['sec-websocket-extensions'] ?? '';
});

socket.on('open', () => socket.send(message));
socket.on('message', (data, isBinary) => {
  if (echoed !== undefined) {
    return;
  }

  echoed = isBinary ? Buffer.from(data).toString('base64') : data.toString();
  socket.close(1000, 'done');
});
socket.on('unexpected-response', (_request, response) => fail(`server answered ${response.statusCode} instead of 101`));
socket.on('error', (error) => fail(error.message));
socket.on('close', (code) => {
  clearTimeout(timer);
  if (echoed === undefined) {
    fail(`connection closed with code ${code} before an echo arrived`);
  }

  process.stdout.write(JSON.stringify({
    protocol: socket.protocol,
    extensions: socket.extensions,
    extensionsHeader,
    echoedMatches: echoed === message,
    echoed: echoed.length > 200 ? `${echoed.length} characters` : echoed,
    closeCode: code,
  }) + '\n');
  process.exit(0);
});
