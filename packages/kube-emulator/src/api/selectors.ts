import { badRequest } from './errors';
import { KubeObject } from './types';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

/** A parsed label selector: every requirement must hold. */
export type LabelSelector = Requirement[];

const tokenize = (input: string): string[] => {
  const tokens: string[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if ('(),'.includes(c)) {
      tokens.push(c);
      i++;
    } else if (input.startsWith('==', i) || input.startsWith('!=', i)) {
      tokens.push(input.slice(i, i + 2));
      i += 2;
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      tokens.push(c);
      i++;
    } else {
      let j = i;
      while (j < input.length && !' \t(),=!<>'.includes(input[j])) j++;
      tokens.push(input.slice(i, j));
      i = j;
    }
  }
  return tokens;
};

const isWord = (t: string | undefined) =>
  t !== undefined && !'(),=!<>'.includes(t[0]) && t !== '==' && t !== '!=';

/** Parses a label selector string like `a=b,c in (x,y),!d`; throws 400 on a syntax error. */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (!input || !input.trim()) return [];
  const tokens = tokenize(input);
  const out: LabelSelector = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw badRequest(`unable to parse requirement: ${msg}`);
  };
  while (i < tokens.length) {
    if (tokens[i] === '!') {
      const key = tokens[i + 1];
      if (!isWord(key)) fail(`found '${key ?? ''}', expected: identifier`);
      out.push({ key: key!, op: '!exists' });
      i += 2;
    } else {
      const key = tokens[i];
      if (!isWord(key))
        fail(`found '${key}', expected: !, identifier, or 'end of string'`);
      const op = tokens[i + 1];
      if (op === undefined || op === ',') {
        out.push({ key, op: 'exists' });
        i += 1;
      } else if (op === '=' || op === '==' || op === '!=') {
        const value = tokens[i + 2];
        if (value !== undefined && value !== ',' && !isWord(value)) {
          fail(`found '${value}', expected: identifier`);
        }
        const v = value === undefined || value === ',' ? '' : value;
        out.push({ key, op: op === '!=' ? 'notin' : 'in', values: [v] });
        i += value === undefined || value === ',' ? 2 : 3;
      } else if (op === 'in' || op === 'notin') {
        if (tokens[i + 2] !== '(')
          fail(`found '${tokens[i + 2] ?? ''}' expected: '('`);
        const values: string[] = [];
        let j = i + 3;
        while (j < tokens.length && tokens[j] !== ')') {
          if (tokens[j] !== ',') values.push(tokens[j]);
          j++;
        }
        if (tokens[j] !== ')') fail("found 'end of string', expected: ')'");
        out.push({ key, op, values });
        i = j + 1;
      } else {
        fail(`found '${op}', expected: '=', '!=', '==', 'in', notin'`);
      }
    }
    if (i < tokens.length) {
      if (tokens[i] !== ',')
        fail(`found '${tokens[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return out;
}

export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
) {
  const l = labels ?? {};
  return selector.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      default:
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

/** A parsed field selector. */
export type FieldSelector = { field: string; value: string; negate: boolean }[];

/** Parses `metadata.name=x,metadata.namespace!=y`, checking fields against the supported ones. */
export function parseFieldSelector(
  input: string | undefined,
  supported: string[],
): FieldSelector {
  if (!input || !input.trim()) return [];
  return input.split(',').map(part => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m)
      throw badRequest(
        `invalid selector: '${input}'; can't understand '${part}'`,
      );
    const [, field, op, value] = m;
    if (!supported.includes(field)) {
      throw badRequest(
        `"${field}" is not a known field selector: only ${supported
          .map(f => `"${f}"`)
          .join(', ')}`,
      );
    }
    return { field, value, negate: op === '!=' };
  });
}

export function matchesFields(
  selector: FieldSelector,
  obj: KubeObject,
  extract: (obj: KubeObject, field: string) => string | undefined,
) {
  return selector.every(r => {
    const v = extract(obj, r.field) ?? '';
    return r.negate ? v !== r.value : v === r.value;
  });
}
