'use strict';
/**
 * The service's booking statements behind a bare node:http + pg server, one
 * request per transaction: no framework, no validation, no auth, no batching.
 * The benchmark runs it beside the real service to show what the framework
 * costs and what batching buys. It does the database work the service does for
 * one request: the customer's lock, then the booking statement, in one transaction.
 * Env: PORT, DATABASE_URL, POOL_SIZE, USER_ID. Body: {"seat_number": n}.
 */
const http = require('node:http');
const { Pool } = require('pg');
const { BOOK_SEATS, LOCK_CUSTOMER_SHOWS } = require('../dist/src/bookings/sql/book-seats.js');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const userId = Number(process.env.USER_ID ?? 1);
const LIMIT = 2000;

async function book(showId, seat) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query({ name: LOCK_CUSTOMER_SHOWS.name, text: LOCK_CUSTOMER_SHOWS.text, values: [[userId], [showId]] });
    // No order: a free seat, booked as POST /shows/{id}/book/ books it.
    const { rows } = await client.query({ name: BOOK_SEATS.name, text: BOOK_SEATS.text, values: [[0], [userId], [showId], [seat], new Date(), LIMIT, null] });
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

http
  .createServer((req, res) => {
    const showId = Number(req.url.split('/')[2]);
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      try {
        const { seat_number } = JSON.parse(body);
        const rows = await book(showId, seat_number);
        const ok = rows.length > 0 && rows[0].refusal === null;
        res.writeHead(ok ? 201 : 409, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? rows[0] : { code: rows[0]?.refusal ?? 'SEAT_TAKEN' }));
      } catch (error) {
        res.writeHead(500);
        res.end(String(error));
      }
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('up'));
