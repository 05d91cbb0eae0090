/**
 * What the kubectl session compares: kubectl's output with the values that differ between any two
 * clusters replaced. The list is short on purpose; everything else must match byte for byte.
 *
 * Values of a class are numbered by first appearance in the text (`<uid-1>`, `<uid-2>`), so two
 * places that show the same value still have to show the same value on the other server.
 */

interface Rule {
  /** What it replaces, for the README and the tests. */
  what: string;
  pattern: RegExp;
  /** The replacement; `numbered` gives each distinct match its own number. */
  replace: string | { numbered: string; group?: number };
}

// kube's rand.String alphabet (no vowels, no 0 1 3): generated name suffixes and pod-template-hash.
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';

/** The rules, in the order they apply. */
export const NORMALISATION_RULES: readonly Rule[] = [
  {
    what: 'JSON Web Tokens (kubectl create token)',
    pattern: /\beyJ[\w-]+\.[\w-]+\.[\w-]+/g,
    replace: '<jwt>',
  },
  {
    what: 'uids',
    pattern:
      /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g,
    replace: { numbered: 'uid' },
  },
  {
    what: 'resourceVersions (YAML, JSON and describe)',
    pattern: /((?:"?resourceVersion"?: |Resource Version:\s+))("?)\d+("?)/g,
    replace: '$1$2<rv>$3',
  },
  {
    what: 'RFC 3339 times, keeping the number of fraction digits',
    pattern: /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g,
    replace: '<time$1>',
  },
  {
    what: 'times as kubectl describe prints them (RFC 1123 with a numeric zone)',
    pattern:
      /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}/g,
    replace: '<time>',
  },
  {
    what: 'the file times of kubectl diff',
    pattern: /\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d{4}$/gm,
    replace: '\t<time>',
  },
  {
    what: 'the temporary folders of kubectl diff',
    pattern: /\/(LIVE|MERGED)-\d+\//g,
    replace: '/$1-<n>/',
  },
  {
    what: 'the server URL (its port)',
    pattern: /https:\/\/127\.0\.0\.1:\d+/g,
    replace: 'https://<server>',
  },
  {
    what: "the random suffix of a ReplicaSet's pod names",
    pattern: new RegExp(
      `\\b([a-z0-9][-a-z0-9]*-${SAFE}{6,10})-${SAFE}{5}\\b`,
      'g',
    ),
    replace: { numbered: 'pod', group: 1 },
  },
  {
    what: 'container IDs',
    pattern: /\b(containerd|docker|cri-o):\/\/[0-9a-f]{64}\b/g,
    replace: { numbered: 'container' },
  },
  {
    what: 'IPv4 addresses (Service cluster IPs and pod IPs are allocated at random)',
    pattern: /\b(?:\d{1,3}\.){3}\d{1,3}\b/g,
    replace: { numbered: 'ip' },
  },
  {
    // HumanDuration below 3 hours: 0s…119s, 2m1s…9m59s, 10m…179m. Three-digit minutes are left
    // alone: they are millicores (500m) more often than ages in a session of minutes.
    what: "ages (kubectl's human durations) in tables, describe and events",
    pattern: /(^|[\s(])(?:\d{1,3}s|\d{1,2}m(?:\d{1,2}s)?)(?=$|[\s),])/gm,
    replace: '$1<age>',
  },
  {
    what: 'column padding: the width of a column follows the widest cell, ages included',
    pattern: /(\S) {2,}(?=\S)/g,
    replace: '$1  ',
  },
];

/** One output with the rules applied. */
export function normaliseOutput(text: string): string {
  let out = text;
  for (const rule of NORMALISATION_RULES) {
    const { replace } = rule;
    if (typeof replace === 'string') {
      out = out.replace(rule.pattern, replace);
      continue;
    }
    const seen = new Map<string, number>();
    out = out.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
      let n = seen.get(match);
      if (n === undefined) {
        n = seen.size + 1;
        seen.set(match, n);
      }
      const placeholder = `<${replace.numbered}-${n}>`;
      return replace.group
        ? `${groups[replace.group - 1]}-${placeholder}`
        : placeholder;
    });
  }
  return out;
}

/**
 * For steps whose line order kubectl does not define (events of the same second): the lines sorted,
 * the first (the header) kept in place.
 */
export function sortLines(text: string): string {
  const newline = text.endsWith('\n');
  const [head, ...rest] = (newline ? text.slice(0, -1) : text).split('\n');
  const sorted = [head, ...rest.sort()].join('\n');
  return newline ? `${sorted}\n` : sorted;
}
