import { ValidationFailedError } from '../common/errors/app-error';
import { defaultRows, planOf, rowLabelOf, rowsOf } from './plan';

describe('seat plans', () => {
  it('numbers seats through the rows, labels them by row and place counting seats, not gaps, and keeps gaps as places', () => {
    const plan = planOf([{ label: 'A', seats: [{}, {}, null, { kind: 'wheelchair' }] }, { seats: 2 }]);
    expect(plan).toEqual([
      { seat_number: 1, row_index: 0, row_label: 'A', place: 0, label: 'A1', kind: 'standard' },
      { seat_number: 2, row_index: 0, row_label: 'A', place: 1, label: 'A2', kind: 'standard' },
      { seat_number: 3, row_index: 0, row_label: 'A', place: 3, label: 'A3', kind: 'wheelchair' },
      { seat_number: 4, row_index: 1, row_label: 'B', place: 0, label: 'B1', kind: 'standard' },
      { seat_number: 5, row_index: 1, row_label: 'B', place: 1, label: 'B2', kind: 'standard' },
    ]);
    expect(rowsOf(plan, (s) => s.label)).toEqual([
      { label: 'A', seats: ['A1', 'A2', null, 'A3'] },
      { label: 'B', seats: ['B1', 'B2'] },
    ]);
  });

  it('takes labels the plan names, and leading gaps', () => {
    const plan = planOf([{ label: 'p', seats: [null, { label: 'p-10', kind: 'premium' }] }]);
    expect(plan).toEqual([{ seat_number: 1, row_index: 0, row_label: 'P', place: 1, label: 'P-10', kind: 'premium' }]);
    expect(rowsOf(plan, (s) => s.seat_number)).toEqual([{ label: 'P', seats: [null, 1] }]);
  });

  it('letters rows after Z as AA, AB …', () => {
    expect([0, 25, 26, 27, 51, 52].map(rowLabelOf)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });

  it('lays a number of seats out in even rows of at most 20, as seat labels always were', () => {
    expect(defaultRows(100)).toEqual([{ seats: 20 }, { seats: 20 }, { seats: 20 }, { seats: 20 }, { seats: 20 }]);
    expect(defaultRows(21)).toEqual([{ seats: 11 }, { seats: 10 }]);
    expect(planOf(defaultRows(100))[46].label).toBe('C7');
  });

  it.each<[string, unknown]>([
    ['no rows', []],
    ['not a list', { seats: 3 }],
    ['a row without seats', [{ seats: [null, null] }]],
    ['zero seats', [{ seats: 0 }]],
    ['a fraction of a seat', [{ seats: 2.5 }]],
    ['an unknown kind', [{ seats: [{ kind: 'sofa' }] }]],
    ['a row label twice', [{ label: 'A', seats: 2 }, { label: 'a', seats: 2 }]],
    ['a seat label twice', [{ seats: [{ label: 'X1' }, { label: 'x1' }] }]],
    ['a malformed row label', [{ label: 'Row one', seats: 2 }]],
    ['too many seats', Array.from({ length: 21 }, () => ({ seats: 100 }))],
  ])('refuses %s, naming rows', (_case, rows) => {
    expect(() => planOf(rows)).toThrow(ValidationFailedError);
  });
});
