'use strict';
/**
 * The sell-out race's client: one kept-alive HTTP/1.1 connection per customer
 * over a bare `net` socket, one request at a time, the request's bytes written
 * in one call and the answer read by its Content-Length (as autocannon does
 * for the booking load). node:http's client built a request object, an agent
 * slot and a socket for each of the 1,000 customers in the turn that started
 * the race: the first request left 0.4 s after its clock started, so every
 * answer of the first second looked 0.4 s slower than the service gave it.
 */
const net = require('node:net');

const HEAD_END = Buffer.from('\r\n\r\n');

class RawConnection {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.socket = undefined;
    this.pending = undefined;
    this.buffer = Buffer.alloc(0);
  }

  /** POST `path` with a JSON body: resolves { status, headers, body } (status 0 with body.code on a socket error). */
  post(path, headers, body) {
    if (this.pending) throw new Error('one request at a time on a RawConnection');
    const text = JSON.stringify(body);
    let head = `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    return new Promise((resolve) => {
      this.pending = resolve;
      this.connected().write(`${head}\r\n${text}`);
    });
  }

  close() {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  connected() {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.buffer = Buffer.alloc(0);
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk) => this.read(chunk));
    const fail = (code) => {
      // A socket this connection already let go of (an answer with Connection: close) settles nothing.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.settle({ status: 0, headers: {}, body: { code } });
    };
    socket.on('error', (error) => fail(error.code ?? error.message));
    socket.on('close', () => fail('CLOSED'));
    this.socket = socket;
    return socket;
  }

  read(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf(HEAD_END);
    if (end < 0) return;
    const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      headers[lines[i].slice(0, colon).toLowerCase()] = lines[i].slice(colon + 1).trim();
    }
    if (headers['content-length'] === undefined) {
      // Every answer of these routes has a length; anything else is the bench's error, not a guess.
      this.close();
      this.settle({ status: 0, headers, body: { code: `NO_CONTENT_LENGTH (${headers['transfer-encoding'] ?? 'none'})` } });
      return;
    }
    const length = Number(headers['content-length']);
    if (this.buffer.length < end + 4 + length) return;
    const text = this.buffer.toString('utf8', end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    if (headers.connection === 'close') this.close();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text: text.slice(0, 200) };
    }
    this.settle({ status, headers, body: parsed });
  }

  settle(answer) {
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.(answer);
  }
}

module.exports = { RawConnection };
