import {
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterInfo,
  karsAuditReadPermission,
  karsCredentialsUpdatePermission,
  karsSandboxCreatePermission,
  karsSandboxDeletePermission,
  karsSandboxLogsPermission,
  karsSandboxReadPermission,
  karsSandboxUpdatePermission,
  listAuditQuerySchema,
  listSandboxesQuerySchema,
  sandboxLogsQuerySchema,
  sandboxUsageQuerySchema,
} from '@kars-portal/plugin-kars-common';
import { getOpenApiSpecRoute } from '@backstage/backend-openapi-utils';
import express from 'express';
import Router from 'express-promise-router';
import { AuditStore } from './database/AuditStore';
import {
  dryRunOf,
  jsonBody,
  noSuchRoute,
  onlyQuery,
  plainQuery,
} from './requests';
import { readKubeEvents } from './service/events/kubeEvents';
import { SandboxLogs, writeRedacted } from './service/logs/SandboxLogs';
import { listingETag, matchesETag } from './service/listingETag';
import { RecentPages } from './service/RecentPages';
import { SandboxServices } from './service/sandboxServices';
import { parseOrThrow } from './service/validation';
import { SandboxAccess } from './sandboxAccess';
import { openApiDocument } from './schema/openApiDocument';

/** What the router needs. */
export interface RouterOptions {
  sandboxes: SandboxServices;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  logger: LoggerService;
  clusterInfo: () => Promise<ClusterInfo>;
  /** The audit trail, for the fleet-wide audit route. */
  audit: AuditStore;
}

/** The REST API of the kars plugin, mounted at /api/kars. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { sandboxes, httpAuth, userInfo, permissions, permissionsRegistry } =
    options;
  const { fleet, admission, views, commands } = sandboxes;
  const router = Router();
  router.use(plainQuery());
  router.use(jsonBody());

  const access = new SandboxAccess({
    permissions,
    permissionsRegistry,
    userInfo,
    audit: sandboxes.audit,
  });

  async function caller(
    req: express.Request,
    allow: Array<'user' | 'service'> = ['user', 'service'],
  ) {
    const credentials = await httpAuth.credentials(req, { allow });
    return { credentials, actor: await access.actorOf(credentials, req) };
  }

  const authorize = access.authorize.bind(access);
  const recentPages = new RecentPages();

  /** Resource checks need the sandbox to exist: a 404 comes before a 403. */
  const existing = (name: string) => fleet.getSandbox(name);

  router.get('/cluster', async (req, res) => {
    await caller(req);
    onlyQuery(req, []);
    res.json(await options.clusterInfo());
  });

  /**
   * The fleet list (the caller's read decision kept a few seconds per token, see ReadDecisions),
   * with a weak ETag of the listing's generation, the query, the caller and their
   * permission decision: a matching If-None-Match is answered 304 without building the page, and
   * a page asked again under the same ETag is sent as it was built (RecentPages).
   */
  router.get('/sandboxes', async (req, res) => {
    const { credentials, actor } = await caller(req);
    const bearer = /^Bearer (\S+)$/i.exec(req.header('authorization') ?? '');
    const decision = await access.readDecision(credentials, actor, bearer?.[1]);
    const query = parseOrThrow(listSandboxesQuerySchema, req.query, 'query');
    const etag = listingETag({
      listing: views.listingVersion(),
      query,
      caller: actor.userEntityRef,
      // What the decision says, without the id the permission client gives each answer.
      decision:
        decision.result === AuthorizeResult.CONDITIONAL
          ? [decision.pluginId, decision.resourceType, decision.conditions]
          : decision.result,
    });
    res.set({
      'Cache-Control': 'private, no-cache',
      Vary: 'Authorization, Cookie',
    });
    if (matchesETag(req.header('if-none-match'), etag)) {
      res.set('ETag', etag).status(304).end();
      return;
    }
    const body = recentPages.bodyOf(etag, () =>
      views.list(
        req.query as Record<string, string>,
        access.visibleOwner(decision),
      ),
    );
    res.set('ETag', etag).type('json').send(body);
  });

  router.post('/sandboxes/validate', async (req, res) => {
    const { actor } = await caller(req);
    onlyQuery(req, []);
    res.json(await admission.validate(req.body, actor));
  });

  router.post('/sandboxes', async (req, res) => {
    const { credentials, actor } = await caller(req);
    onlyQuery(req, ['dryRun']);
    const dryRun = dryRunOf(req);
    await authorize(credentials, actor, karsSandboxCreatePermission);
    /** Credentials beside the spec of an existing sandbox are a credentials write to it. */
    const mayWriteCredentials = (name: string) =>
      authorize(
        credentials,
        actor,
        karsCredentialsUpdatePermission,
        name,
        'credentials.update',
        dryRun,
      );
    const input = { body: req.body, mayWriteCredentials };
    if (dryRun) {
      res.json(await commands.create.dryRun(input, actor));
      return;
    }
    const { created, response } = await commands.create.run(input, actor);
    res.status(created ? 201 : 200).json(response);
  });

  router.get('/sandboxes/:name', async (req, res) => {
    const { credentials, actor } = await caller(req);
    onlyQuery(req, []);
    const sandbox = existing(req.params.name);
    await authorize(
      credentials,
      actor,
      karsSandboxReadPermission,
      sandbox.name,
    );
    res.json(sandbox);
  });

  /**
   * `?dryRun=true` (or `All`): the same permission check and validation as the write, and nothing
   * written. A write takes no other query parameter.
   */
  const isDryRun = (req: express.Request) => {
    onlyQuery(req, ['dryRun']);
    return dryRunOf(req);
  };

  router.patch('/sandboxes/:name', async (req, res) => {
    const { credentials, actor } = await caller(req);
    const dryRun = isDryRun(req);
    existing(req.params.name);
    await authorize(
      credentials,
      actor,
      karsSandboxUpdatePermission,
      req.params.name,
      'update',
      dryRun,
    );
    const input = { name: req.params.name, body: req.body };
    res.json(
      dryRun
        ? await commands.update.dryRun(input, actor)
        : await commands.update.run(input, actor),
    );
  });

  router.delete('/sandboxes/:name', async (req, res) => {
    const { credentials, actor } = await caller(req);
    const dryRun = isDryRun(req);
    existing(req.params.name);
    await authorize(
      credentials,
      actor,
      karsSandboxDeletePermission,
      req.params.name,
      'delete',
      dryRun,
    );
    const input = { name: req.params.name };
    if (dryRun) {
      res.json(await commands.delete.dryRun(input, actor));
      return;
    }
    res.status(202).json(await commands.delete.run(input, actor));
  });

  router.put('/sandboxes/:name/credentials', async (req, res) => {
    const { credentials, actor } = await caller(req);
    const dryRun = isDryRun(req);
    existing(req.params.name);
    await authorize(
      credentials,
      actor,
      karsCredentialsUpdatePermission,
      req.params.name,
      'credentials.update',
      dryRun,
    );
    const input = { name: req.params.name, body: req.body };
    if (dryRun) {
      res.json(await commands.credentials.dryRun(input, actor));
      return;
    }
    const { credentialKeys, restarted } = await commands.credentials.run(
      input,
      actor,
    );
    res.json({ credentialKeys, restarted });
  });

  /** The read-only views of one sandbox: each needs read permission on it. */
  const readViews: Record<string, (name: string) => unknown> = {
    health: name => views.health(name),
    manifests: name => views.manifests(name),
    'agent-card': name => views.agentCard(name),
    events: name => views.events(name),
    'kube-events': async name => ({
      items: await readKubeEvents(fleet.mustLocate(name).cluster, name),
    }),
  };
  for (const [view, read] of Object.entries(readViews)) {
    router.get(`/sandboxes/:name/${view}`, async (req, res) => {
      const { credentials, actor } = await caller(req);
      onlyQuery(req, []);
      existing(req.params.name);
      await authorize(
        credentials,
        actor,
        karsSandboxReadPermission,
        req.params.name,
      );
      res.json(await read(req.params.name));
    });
  }

  /**
   * Daily token use of a sandbox over the last `days` days (1 to 90, 30 by default), from its
   * cluster's usage source; needs read permission on it.
   */
  router.get('/sandboxes/:name/usage', async (req, res) => {
    const { credentials, actor } = await caller(req);
    const sandbox = existing(req.params.name);
    await authorize(
      credentials,
      actor,
      karsSandboxReadPermission,
      sandbox.name,
    );
    const { days } = parseOrThrow(sandboxUsageQuerySchema, req.query, 'query');
    res.json(
      await fleet.cluster(sandbox.cluster)!.usage.history(sandbox.name, days),
    );
  });

  /**
   * The last lines of a container of the sandbox's pod as text, with `follow` streamed until the
   * caller hangs up (which ends the request to the cluster). For users only (no other plugin needs
   * what an agent prints) with `kars.sandbox.logs`, checked before the query is looked at; values of
   * the sandbox's credentials are redacted.
   */
  const logs = new SandboxLogs(fleet);
  router.get('/sandboxes/:name/logs', async (req, res) => {
    const { credentials, actor } = await caller(req, ['user']);
    existing(req.params.name);
    await authorize(
      credentials,
      actor,
      karsSandboxLogsPermission,
      req.params.name,
    );
    const query = parseOrThrow(sandboxLogsQuerySchema, req.query, 'query');
    const hangUp = new AbortController();
    res.on('close', () => hangUp.abort());
    const log = await logs.open(req.params.name, query, hangUp.signal);
    res.status(200);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    // no-transform: the compression middleware would hold a followed stream back until its buffer fills.
    res.setHeader('Cache-Control', 'no-store, no-transform');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.flushHeaders();
    await writeRedacted(log, res);
  });

  /**
   * The fleet-wide audit trail, deleted sandboxes included (a sandbox's own events route needs the
   * sandbox to exist). Needs `kars.audit.read`, checked before the query is looked at.
   */
  router.get('/audit', async (req, res) => {
    const { credentials, actor } = await caller(req);
    const [decision] = await permissions.authorize(
      [{ permission: karsAuditReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${actor.userEntityRef} may not read the audit trail`,
      );
    }
    const query = parseOrThrow(listAuditQuerySchema, req.query, 'query');
    res.json(await options.audit.query(query));
  });

  /** This API's OpenAPI document, where Backstage serves a plugin's (generated from the zod contract). */
  const document = openApiDocument();
  router.get(getOpenApiSpecRoute(''), async (req, res) => {
    await caller(req);
    onlyQuery(req, []);
    res.json(document);
  });

  router.use(noSuchRoute());

  return router;
}
