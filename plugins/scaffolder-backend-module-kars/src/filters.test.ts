import { channelsOf, karsChannelsFilter } from './filters';

describe('karsChannels', () => {
  it('turns the checked channel types into the spec channels, in order', () => {
    expect(channelsOf(['telegram', 'slack'])).toEqual([
      { type: 'telegram' },
      { type: 'slack' },
    ]);
    expect(channelsOf([])).toEqual([]);
  });

  it('leaves nothing as nothing', () => {
    expect(channelsOf(undefined)).toBeUndefined();
  });

  it.each([['slack'], [[{ type: 'slack' }]], [null]])(
    'refuses %j, which is no list of channel types',
    value => {
      expect(() => channelsOf(value)).toThrow(
        'karsChannels takes a list of channel types',
      );
    },
  );

  it('is the filter karsChannels', () => {
    expect(karsChannelsFilter.id).toBe('karsChannels');
    expect(karsChannelsFilter.filter(['discord'])).toEqual([
      { type: 'discord' },
    ]);
  });
});
