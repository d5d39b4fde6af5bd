import { errorsOf } from '../errors/app-error';
import { apiProblemsFrom } from './api-problem';

class SeatError extends errorsOf({
  SEAT_TAKEN: { status: 409, detail: 'Taken.' },
  NO_SUCH_SEAT: { status: 404, detail: 'No such seat.' },
}) {}
class ShowError extends errorsOf({
  SHOW_FULL: { status: 409, detail: 'Full.' },
  BAD_SHOW: { status: 400, detail: 'Bad.' },
}) {}

/** What the decorator declares of a method: per status, its description and the codes of its examples, in order. */
function declared(decorator: MethodDecorator): Record<string, { description: string; codes: string[] }> {
  class Probe {
    handler(): void {}
  }
  const descriptor = Object.getOwnPropertyDescriptor(Probe.prototype, 'handler') as PropertyDescriptor;
  decorator(Probe.prototype, 'handler', descriptor);
  // The key is @nestjs/swagger's DECORATORS.API_RESPONSE, which the package does not export.
  const responses = Reflect.getMetadata('swagger/apiResponse', descriptor.value) as Record<
    string,
    { description: string; content: Record<string, { examples: Record<string, unknown> }> }
  >;
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { description: response.description, codes: Object.keys(response.content['application/problem+json'].examples) },
    ]),
  );
}

describe('apiProblemsFrom: a route names codes, their tables give the statuses', () => {
  const ApiProblems = apiProblemsFrom(SeatError, ShowError);

  it('groups the codes by the status of their tables, in the order given', () => {
    expect(declared(ApiProblems('SHOW_FULL', 'BAD_SHOW', 'NO_SUCH_SEAT', 'SEAT_TAKEN'))).toEqual({
      400: { description: 'Bad Request: BAD_SHOW', codes: ['BAD_SHOW'] },
      404: { description: 'Not Found: NO_SUCH_SEAT', codes: ['NO_SUCH_SEAT'] },
      409: { description: 'Conflict: SHOW_FULL, SEAT_TAKEN', codes: ['SHOW_FULL', 'SEAT_TAKEN'] },
    });
  });

  it('refuses a code that two tables define: its status would be ambiguous', () => {
    class OtherSeatError extends errorsOf({ SEAT_TAKEN: { status: 410, detail: 'Gone.' } }) {}
    expect(() => apiProblemsFrom(SeatError, OtherSeatError)).toThrow('the error code SEAT_TAKEN is in two error tables');
  });
});
