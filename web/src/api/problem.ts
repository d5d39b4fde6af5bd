import type { components } from '../../../openapi/schema';

type Schemas = components['schemas'];

/** Every problem the API answers; a 400 VALIDATION_FAILED adds the fields it names. */
export type Problem = Schemas['Problem'] & { errors?: Schemas['FieldError'][] };

/** An API answer that is not a success: its problem+json, or what stands for one when the server was not reached. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail);
  }

  get code(): string {
    return this.problem.code;
  }

  /** The problem in plain words: its detail, and for a 429 when to try again. */
  get message(): string {
    const { detail, retry_after } = this.problem;
    if (this.status === 429 && retry_after !== undefined) return `${detail} Try again in ${waitText(retry_after)}.`;
    return detail;
  }

  /** The message of each field a 400 named. */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.field, e.message]));
  }
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

const unreachable = (): ApiProblem =>
  new ApiProblem(0, {
    type: 'about:blank',
    title: 'Network error',
    status: 0,
    code: 'NETWORK_ERROR',
    detail: 'The box office could not be reached. Check your connection and try again.',
  });

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'detail' in body && 'code' in body;
}

/** What an openapi-fetch call resolves to: data on success, error (the parsed body) otherwise. */
type Answer = { data?: unknown; error?: unknown; response: Response };

/** Awaits a client call: its data and response on success; otherwise throws an ApiProblem. */
export async function call<A extends Answer>(request: Promise<A>): Promise<{ data: Exclude<A['data'], undefined>; response: Response }> {
  let answer: A;
  try {
    answer = await request;
  } catch (error) {
    if (error instanceof ApiProblem) throw error;
    throw unreachable();
  }
  const { data, error, response } = answer;
  if (error === undefined && response.ok) return { data: data as Exclude<A['data'], undefined>, response };
  throw new ApiProblem(
    response.status,
    isProblem(error)
      ? error
      : { type: 'about:blank', title: response.statusText, status: response.status, code: 'UNEXPECTED', detail: `The box office answered ${response.status}. Try again.` },
  );
}
