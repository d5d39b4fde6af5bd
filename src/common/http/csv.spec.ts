import { toCsv, wantsCsv } from './csv';

describe('toCsv', () => {
  const columns = ['id', 'name', 'at'] as const;
  type Row = { id: number; name: string | null; at: string | null };
  /** The one record written for this name, without the header and the record's CRLF. */
  const one = (name: string | null) => toCsv<Row>(columns, [{ id: 1, name, at: null }]).slice('id,name,at\r\n'.length, -2);

  it('writes a header row and one record per row, each ended by CRLF', () => {
    expect(toCsv<Row>(columns, [])).toBe('id,name,at\r\n');
    expect(toCsv<Row>(columns, [{ id: 1, name: 'ann', at: '2026-12-01T18:30:00.000Z' }, { id: 2, name: 'bob', at: null }])).toBe(
      'id,name,at\r\n1,ann,2026-12-01T18:30:00.000Z\r\n2,bob,\r\n',
    );
  });

  it.each([
    ['plain text as it is', 'José Zoë', 'José Zoë'],
    ['null as an empty field', null, ''],
    ['the empty string as an empty field', '', ''],
    ['a comma in quotes', 'Hara, Scarlett', '"Hara, Scarlett"'],
    ['a quote in quotes, doubled', 'the "one"', '"the ""one"""'],
    ['a line break in quotes', 'two\r\nlines', '"two\r\nlines"'],
    ['a lone LF in quotes', 'two\nlines', '"two\nlines"'],
    ['an apostrophe as it is', "O'Hara", "O'Hara"],
  ])('writes %s', (_what, value, written) => {
    expect(one(value)).toBe(`1,${written},`);
  });

  it.each(['=1+1', '+31 20 555', '-dash-', '@SUM(A1)', '\tTAB'])('keeps a spreadsheet from running %j as a formula: a leading apostrophe', (value) => {
    expect(one(value)).toBe(`1,'${value},`);
  });

  it('quotes a guarded field that also needs quotes', () => {
    expect(one('=HYPERLINK("x")')).toBe(`1,"'=HYPERLINK(""x"")",`);
  });

  it('writes numbers as they are, negative ones too (only text is guarded)', () => {
    expect(toCsv<{ n: number }>(['n'], [{ n: -5 }, { n: 1250 }])).toBe('n\r\n-5\r\n1250\r\n');
  });
});

describe('wantsCsv', () => {
  it.each<[string | undefined, 'json' | 'csv' | undefined, boolean]>([
    [undefined, undefined, false],
    ['', undefined, false],
    ['*/*', undefined, false],
    ['application/json', undefined, false],
    ['text/csv', undefined, true],
    ['TEXT/CSV; charset=utf-8', undefined, true],
    ['text/*', undefined, true],
    ['application/json, text/csv', undefined, false],
    ['application/json;q=0.5, text/csv', undefined, true],
    ['text/csv;q=0.9, application/json', undefined, false],
    ['text/csv, */*;q=0.1', undefined, true],
    ['application/json, text/plain, */*', undefined, false],
    ['text/csv;q=0', undefined, false],
    ['text/csv;q=oops', undefined, false],
    ['text/csv', 'json', false],
    ['application/json', 'csv', true],
    [undefined, 'csv', true],
  ])('Accept %j, ?format=%j: CSV %j', (accept, format, csv) => {
    expect(wantsCsv(accept, format)).toBe(csv);
  });
});
