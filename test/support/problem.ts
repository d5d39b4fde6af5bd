import { createHmac } from 'node:crypto';

/** What a problem answer is read from: a supertest Response, or anything shaped like one. */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** The shape of every stable error code. */
const PROBLEM_CODE = /^[A-Z][A-Z0-9_]*$/;

/**
 * Asserts an RFC 9457 answer: the HTTP status (the same in the body), the
 * stable code (the one given, or at least a well-formed one), the
 * problem+json content type and the fields every problem carries.
 * Returns the body for further checks.
 */
export function expectProblem(res: ProblemResponse, status: number, code?: string): Record<string, unknown> {
  const expectedCode = code ?? expect.stringMatching(PROBLEM_CODE);
  // Status and code first, next to the whole body, so a failure shows what came instead.
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status, code: expectedCode } });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code: expectedCode,
  });
  return res.body;
}

/** The `field`s named by a VALIDATION_FAILED answer. */
export function invalidFields(res: ProblemResponse): string[] {
  expectProblem(res, 400, 'VALIDATION_FAILED');
  const errors = res.body.errors as { field: string; message: string }[];
  expect(Array.isArray(errors)).toBe(true);
  for (const error of errors) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  return [...new Set(errors.map((error) => error.field))];
}

/** What must never reach a client: SQL, stack traces, internal names. */
const LEAKS = [/\bSELECT\b/i, /\bINSERT\s+INTO\b/i, /stack/i, /\bat\s+\S+\s+\(?[^\s)]*:\d+:\d+\)?/, /\n\s+at\s/, /node_modules/, /QueryFailedError/, /typeorm/i];

/** Asserts that an answer's text shows nothing of the server's insides. */
export function expectNoLeak(res: { status: number; text: string }): void {
  for (const leak of LEAKS) expect({ status: res.status, text: res.text, leak: leak.test(res.text) }).toMatchObject({ leak: false });
}

/** JSON, base64url-encoded: one part of a JWT. */
export const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT made by hand, so tests can forge expired, re-signed or tampered tokens. */
export function signJwt(claims: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  const signature = header.alg === 'none' ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

/** A timestamp as the API writes it: UTC with milliseconds. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
