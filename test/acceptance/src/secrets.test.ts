import { credentialsSchema } from '@kars-portal/plugin-kars-common';
import {
  encodedForms,
  findSecrets,
  plantedSecrets,
  SecretLedger,
  secretList,
} from './secrets';

describe('planted secrets', () => {
  it('are the same for one run, different for another, and valid credentials', () => {
    expect(plantedSecrets('run-1')).toEqual(plantedSecrets('run-1'));
    expect(plantedSecrets('run-1').slackOnCreate).not.toEqual(
      plantedSecrets('run-2').slackOnCreate,
    );
    const s = plantedSecrets('run-1');
    expect(
      credentialsSchema.safeParse({
        TELEGRAM_BOT_TOKEN: s.telegramOnCreate,
        SLACK_BOT_TOKEN: s.slackOnCreate,
        DISCORD_BOT_TOKEN: s.discordOnCreate,
        BRAVE_API_KEY: s.braveOnCreate,
        PERPLEXITY_API_KEY: s.perplexityInTask,
      }).success,
    ).toBe(true);
  });
});

describe('findSecrets', () => {
  const value = 'acc-brave-0123456789abcdefghijklmnop';
  const secrets = [{ label: 'brave', value }];

  it('finds a value plain, URL-encoded, and base64-encoded inside a longer document at any offset', () => {
    expect(findSecrets(`{"k":"${value}"}`, secrets)).toEqual(['brave']);
    expect(
      findSecrets(`token=${encodeURIComponent(`x:${value}`)}`, [
        { label: 'c', value: `x:${value}` },
      ]),
    ).toEqual(['c']);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const doc = Buffer.from(`${prefix}{"key":"${value}","more":1}`).toString(
        'base64',
      );
      expect(findSecrets(doc, secrets)).toEqual(['brave']);
      expect(
        findSecrets(doc.replace(/\+/g, '-').replace(/\//g, '_'), secrets),
      ).toEqual(['brave']);
    }
  });

  it('finds nothing in unrelated text', () => {
    expect(
      findSecrets(
        'acc-brave-0123456789abcdefghijklmno_ and other text',
        secrets,
      ),
    ).toEqual([]);
    expect(encodedForms(value).every(f => f.length >= 16)).toBe(true);
  });

  it('counts places and the values found', () => {
    const ledger = new SecretLedger(secretList(plantedSecrets('r')));
    ledger.scan('a', 'nothing');
    ledger.scan('b', `x ${plantedSecrets('r').campaign} y`);
    expect(ledger.places).toBe(2);
    expect(ledger.found).toEqual([{ place: 'b', labels: ['campaign'] }]);
    expect(ledger.valuesFound()).toBe(1);
  });
});
