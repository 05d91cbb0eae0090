import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

const SERVICE_TOKEN = 'mock-service-token:';

/**
 * The test backend's mock auth, with one thing of the real one: a plugin's request on behalf of a
 * user carries that plugin as the user's actor. The mock drops it, so a user's request relayed by
 * one plugin to another (the MCP plugin to the kars actions, the kars plugin to the permission
 * backend) would read as the user calling directly, which the permission backend refuses for
 * conditional decisions. With the real HTTP auth over it, so every plugin parses tokens this way.
 */
export const pluginActorAuth = [
  createServiceFactory({
    service: coreServices.auth,
    deps: { plugin: coreServices.pluginMetadata },
    factory({ plugin }) {
      const mock = mockServices.auth({ pluginId: plugin.getId() });
      return {
        authenticate: async (token, options) => {
          const claims = token.startsWith(SERVICE_TOKEN)
            ? JSON.parse(token.slice(SERVICE_TOKEN.length))
            : {};
          const credentials = await mock.authenticate(token, options);
          return claims.obo && claims.actor
            ? mockCredentials.user(claims.obo, {
                actor: { subject: claims.actor },
              })
            : credentials;
        },
        getPluginRequestToken: async options => {
          const { token } = await mock.getPluginRequestToken(options);
          if (!token.startsWith(SERVICE_TOKEN)) return { token };
          return {
            token: `${SERVICE_TOKEN}${JSON.stringify({
              ...JSON.parse(token.slice(SERVICE_TOKEN.length)),
              actor: `plugin:${plugin.getId()}`,
            })}`,
          };
        },
        getNoneCredentials: () => mock.getNoneCredentials(),
        getOwnServiceCredentials: () => mock.getOwnServiceCredentials(),
        isPrincipal: mock.isPrincipal.bind(mock) as typeof mock.isPrincipal,
        getLimitedUserToken: credentials =>
          mock.getLimitedUserToken(credentials),
        listPublicServiceKeys: () => mock.listPublicServiceKeys(),
      };
    },
  }),
  httpAuthServiceFactory,
];
