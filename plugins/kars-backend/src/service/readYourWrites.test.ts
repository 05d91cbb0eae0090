import { rvAtLeast } from './readYourWrites';

describe('rvAtLeast', () => {
  it.each<[string | undefined, string, boolean]>([
    ['7', '7', true],
    ['8', '7', true],
    ['7', '8', false],
    // beyond 2^53: compared exactly, as etcd's revisions grow
    ['9007199254740993', '9007199254740992', true],
    ['9007199254740992', '9007199254740993', false],
    ['10', '9', true],
    // opaque versions: only equal ones count
    ['abc', 'abc', true],
    ['abd', 'abc', false],
    [undefined, '1', false],
    ['', '1', false],
  ])('%s is at least %s: %s', (current, wanted, expected) => {
    expect(rvAtLeast(current, wanted)).toBe(expected);
  });
});
