import { cellOk, expectation } from './matrix';

describe('the permission matrix', () => {
  it('expects owners to change their sandbox and every other caller to be refused without a write', () => {
    expect(expectation('PATCH', 'owner', false)).toMatchObject({
      statuses: [200],
      writes: true,
    });
    expect(expectation('PATCH', 'owner', true)).toMatchObject({
      statuses: [200],
      writes: false,
    });
    expect(expectation('DELETE', 'owner', false)).toMatchObject({
      statuses: [202],
      writes: true,
    });
    expect(expectation('PUT credentials', 'service', false)).toMatchObject({
      statuses: [403],
      writes: false,
    });
    expect(expectation('PATCH', 'other team', true)).toMatchObject({
      statuses: [403],
      writes: false,
    });
    expect(expectation('DELETE', 'bad token', false)).toMatchObject({
      statuses: [401],
      writes: false,
    });
    expect(
      expectation('POST existing name + credentials', 'other team', false),
    ).toMatchObject({ statuses: [403, 409], writes: false });
    expect(expectation('POST create', 'service', false)).toMatchObject({
      statuses: [201],
      writes: true,
    });
  });

  it('judges a refusal that wrote something as failing, and an owner conflict without a write as fine', () => {
    const refused = expectation('PUT credentials', 'other team', false);
    expect(cellOk(refused, 403, 0)).toBe(true);
    expect(cellOk(refused, 403, 1)).toBe(false);
    expect(cellOk(refused, 200, 0)).toBe(false);
    const owner = expectation(
      'POST existing name + credentials',
      'owner',
      false,
    );
    expect(cellOk(owner, 409, 0)).toBe(true);
    expect(cellOk(owner, 200, 1)).toBe(true);
    expect(cellOk(owner, 200, 0)).toBe(false);
  });
});
