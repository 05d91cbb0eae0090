import { createTemplateFilter } from '@backstage/plugin-scaffolder-node/alpha';

/**
 * A sandbox spec's channels from channel types as a form's checkboxes give them:
 * `['slack']` becomes `[{ type: 'slack' }]`. Nothing given stays nothing. Whether each type is a
 * channel is the spec schema's to judge, which names the field.
 */
export function channelsOf(types: unknown): { type: string }[] | undefined {
  if (types === undefined) return undefined;
  if (!Array.isArray(types) || types.some(t => typeof t !== 'string')) {
    throw new TypeError(
      'karsChannels takes a list of channel types, such as [telegram, slack]',
    );
  }
  return types.map(type => ({ type }));
}

/**
 * The template filter `karsChannels`: templates keep the channels as a list of checkboxes and pass
 * the spec's shape on (`channels: ${{ parameters.channels | karsChannels }}`).
 */
export const karsChannelsFilter = createTemplateFilter({
  id: 'karsChannels',
  description:
    "Turns channel types, as a form's checkboxes give them, into a kars sandbox spec's channels",
  schema: z =>
    z
      .function()
      .args(z.array(z.string()).optional())
      .returns(z.array(z.object({ type: z.string() })).optional()),
  examples: [
    {
      description: 'The channels of a sandbox spec from a checkbox list',
      example: "${{ ['telegram', 'slack'] | karsChannels }}",
      notes: "[{ type: 'telegram' }, { type: 'slack' }]",
    },
  ],
  filter: channelsOf,
});
