import { ApiError } from './errors';
import {
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web,api)', true],
    ['tier notin (front)', false],
    ['env', true],
    ['!env', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['missing!=x', true],
    ['', true],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('refuses malformed selectors with 400', () => {
    expect(() => parseLabelSelector('app in web')).toThrow(ApiError);
    expect(() => parseLabelSelector('=x')).toThrow(ApiError);
  });
});

describe('field selectors', () => {
  it('accepts supported fields only', () => {
    expect(
      parseFieldSelector('metadata.name=a,metadata.namespace!=b', [
        'metadata.name',
        'metadata.namespace',
      ]),
    ).toEqual([
      { field: 'metadata.name', value: 'a', negate: false },
      { field: 'metadata.namespace', value: 'b', negate: true },
    ]);
    expect(() => parseFieldSelector('spec.x=1', ['metadata.name'])).toThrow(
      '"spec.x" is not a known field selector: only "metadata.name"',
    );
  });
});
