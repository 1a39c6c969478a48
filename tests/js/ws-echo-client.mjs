// Connects with Node's ws to the URL given as the first argument, offering the subprotocols "chat.v2" and "chat.v1",
// sends one text message and prints {"protocol": <negotiated subprotocol>, "echoed": <first message received>} as JSON.
// Exits 0 on success; on an error, an unexpected close or a timeout it prints the reason to stderr and exits 1.
import { WebSocket } from 'ws';

const url = process.argv[2];
const message = process.argv[3] ?? 'hello from ws';
const timeoutMs = 10_000;

if (!url) {
  console.error('usage: node ws-echo-client.mjs <ws://host:port/path> [message]');
  process.exit(2);
}

function fail(reason) {
  console.error(`ws-echo-client: ${reason}`);
  process.exit(1);
}

const timer = setTimeout(() => fail(`no echo from ${url} within ${timeoutMs} ms`), timeoutMs);
const socket = new WebSocket(url, ['chat.v2', 'chat.v1']);
let echoed;

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

  process.stdout.write(JSON.stringify({ protocol: socket.protocol, echoed, closeCode: code }) + '\n');
  process.exit(0);
});
