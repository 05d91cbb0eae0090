import {
  listSandboxesQuerySchema,
  pageSchema,
  sandboxListItemSchema,
} from '@kars-portal/plugin-kars-common';
import { KarsAction, KarsActionsOptions, objectSchema } from './types';

/**
 * `list-sandboxes`: a page of the fleet list with the filters, sort and paging of
 * `GET /sandboxes`, of the sandboxes the caller may read.
 */
export function listSandboxesAction({
  sandboxes,
  access,
}: KarsActionsOptions): KarsAction {
  return {
    name: 'list-sandboxes',
    title: 'List kars sandboxes',
    description:
      'Lists the kars sandboxes (AI agent runtimes) the caller may read, one page at a time: filter by owner, cluster, phase, isolation, model, channel trouble, exact name or a search term; sort; pass nextCursor back as cursor for the next page.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, listSandboxesQuerySchema, 'input'),
      output: zod =>
        objectSchema(zod, pageSchema(sandboxListItemSchema), 'output'),
    },
    action: async ({ input, credentials }) => {
      const actor = await access.actorOf(credentials);
      const decision = await access.readDecision(credentials, actor);
      return {
        output: sandboxes.views.list(input, access.visibleOwner(decision)),
      };
    },
  };
}
