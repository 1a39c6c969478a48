// The sample's chat page: one WebSocket to /chat, offering the subprotocols chat.v2 then chat.v1. Every text message
// is broadcast by the server to everyone in the room, the sender included.
'use strict';

function chatUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/chat`;
}

function open() {
  const socket = new WebSocket(chatUrl(), ['chat.v2', 'chat.v1']);
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(socket), { once: true });
    socket.addEventListener('error', () => reject(new Error('the WebSocket failed to open')), { once: true });
  });
}

// Opens its own socket, sends each message, waits until every one has come back, closes, and reports what was
// negotiated. Tests drive the page through this.
window.chatRoundTrip = async function (messages) {
  const socket = await open();
  const received = [];
  const done = new Promise((resolve) => {
    socket.addEventListener('message', (event) => {
      received.push(event.data);
      if (received.length === messages.length) {
        resolve();
      }
    });
  });
  for (const message of messages) {
    socket.send(message);
  }
  await done;
  const closed = new Promise((resolve) => socket.addEventListener('close', (event) => resolve(event.code), { once: true }));
  socket.close(1000, 'done');
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    protocol: socket.protocol,
    extensions: socket.extensions,
    received,
    closeCode: await closed,
    pageProtocol: navigation ? navigation.nextHopProtocol : '',
  };
};

// The page itself: a minimal chat room.
(async () => {
  const status = document.getElementById('status');
  const log = document.getElementById('log');
  try {
    const socket = await open();
    status.textContent = `connected: subprotocol ${socket.protocol || '(none)'}, extensions ${socket.extensions || '(none)'}`;
    socket.addEventListener('message', (event) => { log.textContent += event.data + '\n'; });
    socket.addEventListener('close', (event) => { status.textContent = `closed (${event.code})`; });
    document.getElementById('send').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = document.getElementById('text');
      if (text.value) {
        socket.send(text.value);
        text.value = '';
      }
    });
  } catch (error) {
    status.textContent = error.message;
  }
})();
