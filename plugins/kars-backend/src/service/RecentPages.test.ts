import { RecentPages } from './RecentPages';

describe('RecentPages', () => {
  it('builds a page once per ETag and answers its JSON after', () => {
    const pages = new RecentPages(2);
    const build = jest.fn(() => ({ items: [{ name: 'tenant-a' }] }));
    expect(pages.bodyOf('W/"a"', build)).toBe(
      '{"items":[{"name":"tenant-a"}]}',
    );
    expect(pages.bodyOf('W/"a"', build)).toBe(
      '{"items":[{"name":"tenant-a"}]}',
    );
    expect(build).toHaveBeenCalledTimes(1);
    expect(pages.bodyOf('W/"b"', () => ({ items: [] }))).toBe('{"items":[]}');
  });

  it('drops the page sent least recently when full', () => {
    const pages = new RecentPages(2);
    pages.bodyOf('a', () => 'a');
    pages.bodyOf('b', () => 'b');
    pages.bodyOf('a', () => 'rebuilt');
    pages.bodyOf('c', () => 'c');
    expect(pages.bodyOf('a', () => 'rebuilt')).toBe('"a"');
    expect(pages.bodyOf('b', () => 'rebuilt')).toBe('"rebuilt"');
  });
});
