import { coalesced } from './coalesced';

interface Row {
  id: number;
  seat: number;
}

/** A read that records each call and returns the rows of the keys it was given, in seat order. */
function fakeRead(table: Row[]) {
  const calls: number[][] = [];
  const read = async (ids: number[]) => {
    calls.push([...ids].sort((a, b) => a - b));
    return table.filter((row) => ids.includes(row.id)).sort((a, b) => a.seat - b.seat);
  };
  return { calls, read };
}

const TABLE: Row[] = [
  { id: 1, seat: 30 },
  { id: 2, seat: 10 },
  { id: 3, seat: 20 },
  { id: 4, seat: 5 },
];

describe('coalesced reads', () => {
  it('calls made in one turn share one read of all their keys, and each gets only its own rows, in the read order', async () => {
    const { calls, read } = fakeRead(TABLE);
    const load = coalesced(read, (row: Row) => row.id);
    const [a, b, c] = await Promise.all([load([1, 2]), load([3]), load([2, 4, 99])]);
    expect(calls).toEqual([[1, 2, 3, 4, 99]]);
    expect(a).toEqual([{ id: 2, seat: 10 }, { id: 1, seat: 30 }]);
    expect(b).toEqual([{ id: 3, seat: 20 }]);
    expect(c).toEqual([{ id: 4, seat: 5 }, { id: 2, seat: 10 }]);
  });

  it('calls in later turns make reads of their own', async () => {
    const { calls, read } = fakeRead(TABLE);
    const load = coalesced(read, (row: Row) => row.id);
    expect(await load([1])).toEqual([{ id: 1, seat: 30 }]);
    expect(await load([3])).toEqual([{ id: 3, seat: 20 }]);
    expect(calls).toEqual([[1], [3]]);
  });

  it('a read that fails fails every call that shared it, and the next read is made afresh', async () => {
    let fail = true;
    const load = coalesced(async (ids: number[]) => {
      if (fail) throw new Error('connection lost');
      return TABLE.filter((row) => ids.includes(row.id));
    }, (row: Row) => row.id);
    const results = await Promise.allSettled([load([1]), load([2])]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['connection lost', 'connection lost']);
    fail = false;
    expect(await load([4])).toEqual([{ id: 4, seat: 5 }]);
  });
});
