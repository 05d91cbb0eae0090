import { createHmac } from 'crypto';

/** A secret value the suite plants, with a label that names it (the label is printed, never the value). */
export interface PlantedSecret {
  label: string;
  value: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of `alphabet`, derived from the run id and a label (same run, same value). */
function derived(
  runId: string,
  label: string,
  length: number,
  alphabet = ALNUM,
) {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    const bytes = createHmac('sha256', runId)
      .update(`${label}#${block}`)
      .digest();
    for (const b of bytes) out += alphabet[b % alphabet.length];
  }
  return out.slice(0, length);
}

/**
 * The secret values of one run: shaped like the real thing (so the backend accepts them), unique to
 * the run, and long enough that any encoding of one is distinctive.
 */
export function plantedSecrets(runId: string) {
  const d = (label: string, length: number) => derived(runId, label, length);
  const digits = (label: string, length: number) =>
    derived(runId, label, length, '0123456789');
  return {
    telegramOnCreate: `${digits('tg-id', 9)}:ACCtg${d('tg', 35)}`,
    slackOnCreate: `xoxb-acc-${d('slack', 32)}`,
    discordOnCreate: `${d('dc1', 24)}.${d('dc2', 6)}.${d('dc3', 27)}`,
    braveOnCreate: `acc-brave-${d('brave', 32)}`,
    tavilyOnCreate: `acc-tavily-${d('tavily', 32)}`,
    openaiOnCreate: `acc-openai-${d('openai', 32)}`,
    exaOnCreate: `acc-exa-${d('exa', 32)}`,
    telegramOnPut: `${digits('tg-id2', 9)}:ACCput${d('tg-put', 34)}`,
    braveOnPut: `acc-brave-put-${d('brave-put', 30)}`,
    firecrawlOnPut: `acc-firecrawl-${d('firecrawl', 30)}`,
    perplexityInTask: `acc-perplexity-task-${d('perplexity', 28)}`,
    slackRefused: `xoxb-acc-refused-${d('slack-refused', 28)}`,
    braveRefused: `acc-brave-refused-${d('brave-refused', 28)}`,
    matrixOwner: `acc-matrix-owner-${d('matrix-owner', 28)}`,
    campaign: `acc-campaign-${d('campaign', 32)}`,
  };
}
export type PlantedSecrets = ReturnType<typeof plantedSecrets>;

/** The planted values as a list, labelled by their key. */
export function secretList(secrets: PlantedSecrets): PlantedSecret[] {
  return Object.entries(secrets).map(([label, value]) => ({ label, value }));
}

const urlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');

/**
 * The forms a value takes in an output: plain, URL-encoded (also with `+` for spaces), and base64 in
 * each of its three alignments inside a longer base64 text (standard and URL-safe alphabets), so a
 * value found inside a base64-encoded document is found too.
 */
export function encodedForms(value: string): string[] {
  const forms = new Set<string>([
    value,
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
  ]);
  const bytes = Buffer.from(value, 'utf8');
  forms.add(bytes.toString('base64'));
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Characters that depend on the bytes before and after the value are left out.
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + bytes.length) / 3) * 4;
    const core = b64.slice(start, end);
    forms.add(core);
    forms.add(urlSafe(core));
  }
  return [...forms].filter(f => f.length >= 16);
}

/** The labels of the planted values that occur in `text`, in any of their forms. */
export function findSecrets(text: string, secrets: PlantedSecret[]): string[] {
  return secrets
    .filter(s => encodedForms(s.value).some(f => text.includes(f)))
    .map(s => s.label);
}

/** Counts the places a secret scan looked at and where it found planted values. */
export class SecretLedger {
  places = 0;
  readonly found: Array<{ place: string; labels: string[] }> = [];
  private readonly forms: Array<{ label: string; forms: string[] }>;

  constructor(readonly secrets: PlantedSecret[]) {
    this.forms = secrets.map(s => ({
      label: s.label,
      forms: encodedForms(s.value),
    }));
  }

  scan(place: string, text: string) {
    this.places++;
    const labels = this.forms
      .filter(s => s.forms.some(f => text.includes(f)))
      .map(s => s.label);
    if (labels.length) this.found.push({ place, labels });
  }

  /** How many planted values were found anywhere. */
  valuesFound(): number {
    return new Set(this.found.flatMap(f => f.labels)).size;
  }
}
