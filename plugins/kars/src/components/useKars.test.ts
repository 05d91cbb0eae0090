import { appendLogText } from './useKars';

describe('appendLogText', () => {
  it('appends a chunk, partial lines included', () => {
    expect(appendLogText('one\ntw', 'o\nthree\n', 10)).toBe(
      'one\ntwo\nthree\n',
    );
  });

  it('keeps only the last lines when the text grows past the cap', () => {
    expect(appendLogText('1\n2\n', '3\n4\n', 3)).toBe('2\n3\n4\n');
    expect(appendLogText('1\n2\n3', '\n4', 2)).toBe('3\n4');
  });
});
