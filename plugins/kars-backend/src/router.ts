import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  ClusterInfo,
  karsAuditReadPermission,
  karsCredentialsUpdatePermission,
  karsSandboxCreatePermission,
  karsSandboxDeletePermission,
  karsSandboxReadPermission,
  karsSandboxUpdatePermission,
  listAuditQuerySchema,
  Sandbox,
} from '@kars-portal/plugin-kars-common';
import express from 'express';
import Router from 'express-promise-router';
import { AuditStore } from './database/AuditStore';
import { karsSandboxResourceRef } from './permissions';
import {
  dryRunOf,
  jsonBody,
  noSuchRoute,
  onlyQuery,
  plainQuery,
} from './requests';
import { Actor, SandboxService } from './service/SandboxService';
import { parseOrThrow } from './service/validation';

/** What the router needs. */
export interface RouterOptions {
  service: SandboxService;
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
  const { service, httpAuth, userInfo, permissions, permissionsRegistry } =
    options;
  const router = Router();
  router.use(plainQuery());
  router.use(jsonBody());

  const isAllowed = createConditionAuthorizer(
    permissionsRegistry.getPermissionRuleset(karsSandboxResourceRef),
  );

  async function caller(req: express.Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const actor: Actor =
      credentials.principal.type === 'user'
        ? {
            userEntityRef: (await userInfo.getUserInfo(credentials))
              .userEntityRef,
            type: 'user',
          }
        : {
            userEntityRef: `service:${
              (credentials.principal as { subject: string }).subject
            }`,
            type: 'service',
          };
    return { credentials, actor };
  }

  async function authorize(
    credentials: BackstageCredentials,
    actor: Actor,
    permission: BasicPermission | ResourcePermission,
    sandbox?: string,
    action?: 'create' | 'update' | 'delete' | 'credentials.update',
    dryRun = false,
  ) {
    const [decision] = await permissions.authorize(
      [
        sandbox
          ? {
              permission: permission as ResourcePermission,
              resourceRef: sandbox,
            }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      if (sandbox && action) {
        await service.recordDenied(sandbox, actor, action, dryRun);
      }
      throw new NotAllowedError(
        `${actor.userEntityRef} may not ${
          permission.attributes.action ?? 'use'
        } ${sandbox ? `sandbox ${sandbox}` : 'sandboxes'}${
          dryRun ? ' (dry run)' : ''
        }`,
      );
    }
  }

  /** Resource checks need the sandbox to exist: a 404 comes before a 403. */
  const existing = (name: string) => service.getSandbox(name);

  router.get('/cluster', async (req, res) => {
    await caller(req);
    onlyQuery(req, []);
    res.json(await options.clusterInfo());
  });

  router.get('/sandboxes', async (req, res) => {
    const { credentials } = await caller(req);
    const [decision] = await permissions.authorizeConditional(
      [{ permission: karsSandboxReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('you may not read sandboxes');
    }
    const visible = (sandbox: Sandbox) =>
      decision.result === AuthorizeResult.ALLOW || isAllowed(decision, sandbox);
    res.json(
      service.listSandboxes(req.query as Record<string, string>, visible),
    );
  });

  router.post('/sandboxes/validate', async (req, res) => {
    const { actor } = await caller(req);
    onlyQuery(req, []);
    res.json(await service.validate(req.body, actor));
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
    if (dryRun) {
      res.json(
        await service.renderCreate(req.body, actor, { mayWriteCredentials }),
      );
      return;
    }
    const { created, response } = await service.create(req.body, actor, {
      mayWriteCredentials,
    });
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
    res.json(
      await service.update(req.params.name, req.body, actor, { dryRun }),
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
    if (dryRun) {
      res.json(await service.planDelete(req.params.name));
      return;
    }
    res.status(202).json(await service.delete(req.params.name, actor));
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
    if (dryRun) {
      res.json(await service.planCredentials(req.params.name, req.body));
      return;
    }
    res.json(await service.putCredentials(req.params.name, req.body, actor));
  });

  /** The read-only views of one sandbox: each needs read permission on it. */
  const views: Record<string, (name: string) => unknown> = {
    health: name => service.health(name),
    manifests: name => service.manifests(name),
    'agent-card': name => service.agentCard(name),
    events: name => service.events(name),
  };
  for (const [view, read] of Object.entries(views)) {
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

  router.use(noSuchRoute());

  return router;
}
