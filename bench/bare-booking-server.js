'use strict';
/**
 * The service's booking statement behind a bare node:http + pg server, one
 * request per statement: no framework, no validation, no auth, no batching. The
 * benchmark runs it beside the real service to show what the framework costs
 * and what batching buys.
 * Env: PORT, DATABASE_URL, POOL_SIZE. Body: {"seat_number": n}; user id 1 books.
 */
const http = require('node:http');
const { Pool } = require('pg');
const { BOOK_SEATS_BATCH_SQL } = require('../dist/src/bookings/book-seats.sql.js');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const userId = Number(process.env.USER_ID ?? 1);

http
  .createServer((req, res) => {
    const showId = Number(req.url.split('/')[2]);
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      try {
        const { seat_number } = JSON.parse(body);
        // A batch of one: the service's statement, one request per round trip, no batching.
        const { rows } = await pool.query({
          name: 'book-seats',
          text: BOOK_SEATS_BATCH_SQL,
          values: [[0], [userId], [showId], [seat_number], new Date()],
        });
        const ok = rows.length > 0 && !rows[0].failure;
        res.writeHead(ok ? 201 : 409, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? rows[0] : { code: 'SEAT_TAKEN' }));
      } catch (error) {
        res.writeHead(500);
        res.end(String(error));
      }
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('up'));
