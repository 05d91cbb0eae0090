import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import App from './App';

/** The agent entity as the kars catalog module makes it: the Kubernetes plugin's annotations. */
const agent = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'tenant-a-agent',
    namespace: 'default',
    title: 'tenant-a agent',
    annotations: {
      'kars.azure.com/sandbox': 'tenant-a',
      'backstage.io/kubernetes-id': 'tenant-a',
      'backstage.io/kubernetes-namespace': 'kars-tenant-a',
      'backstage.io/kubernetes-label-selector':
        'kars.azure.com/sandbox=tenant-a',
      'backstage.io/kubernetes-cluster': 'embedded',
    },
  },
  spec: { type: 'ai-agent', owner: 'group:default/team-a', lifecycle: 'dev' },
};

const labels = { 'kars.azure.com/sandbox': 'tenant-a' };
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'tenant-a-7b589cc7dd-x2x9q',
    namespace: 'kars-tenant-a',
    uid: 'pod-uid',
    labels,
    ownerReferences: [
      { kind: 'ReplicaSet', name: 'tenant-a-7b589cc7dd', uid: 'rs-uid' },
    ],
  },
  spec: { containers: [{ name: 'openclaw', image: 'kars/openclaw' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'openclaw',
        ready: true,
        restartCount: 0,
        state: { running: {} },
      },
    ],
  },
};
const replicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'tenant-a-7b589cc7dd',
    namespace: 'kars-tenant-a',
    uid: 'rs-uid',
    labels,
    ownerReferences: [
      { kind: 'Deployment', name: 'tenant-a', uid: 'deploy-uid' },
    ],
  },
  spec: { replicas: 1, selector: { matchLabels: labels } },
  status: { replicas: 1 },
};
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'tenant-a',
    namespace: 'kars-tenant-a',
    uid: 'deploy-uid',
    labels,
  },
  spec: { replicas: 1, selector: { matchLabels: labels } },
  status: { replicas: 1, availableReplicas: 1 },
};

let asked: any;
const server = setupServer(
  http.get('*/api/auth/guest/refresh', () =>
    HttpResponse.json({ error: { name: 'NotFoundError' } }, { status: 404 }),
  ),
  http.get(
    '*/api/catalog/entities/by-name/component/default/tenant-a-agent',
    () => HttpResponse.json(agent),
  ),
  http.post('*/api/catalog/entities/by-refs', () =>
    HttpResponse.json({ items: [] }),
  ),
  http.get('*/api/kubernetes/clusters', () =>
    HttpResponse.json({
      items: [{ name: 'embedded', authProvider: 'serviceAccount' }],
    }),
  ),
  http.post(
    '*/api/kubernetes/services/:serviceId',
    async ({ request, params }) => {
      asked = { serviceId: params.serviceId, body: await request.json() };
      return HttpResponse.json({
        items: [
          {
            cluster: { name: 'embedded' },
            errors: [],
            podMetrics: [],
            resources: [
              { type: 'pods', resources: [pod] },
              { type: 'replicasets', resources: [replicaSet] },
              { type: 'deployments', resources: [deployment] },
              { type: 'services', resources: [] },
              { type: 'configmaps', resources: [] },
            ],
          },
        ],
      });
    },
  ),
);
registerMswTestHooks(server);

describe('App with the Backstage Kubernetes plugin', () => {
  it('shows the Kubernetes tab of an annotated agent entity with the pods the backend finds', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    // Sign in as the dev app's guest without an auth backend.
    localStorage.setItem('enableLegacyGuestToken', 'true');
    jest.spyOn(window, 'confirm').mockReturnValue(true);
    window.history.pushState(
      {},
      '',
      '/catalog/default/component/tenant-a-agent/kubernetes',
    );
    render(App.createRoot());
    await userEvent.click(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 15000 }),
    );
    expect(
      await screen.findByRole(
        'link',
        { name: 'Kubernetes' },
        { timeout: 15000 },
      ),
    ).toBeInTheDocument();
    // The cluster under its kars name, then its Deployment, whose pods are listed by name.
    await userEvent.click(
      await screen.findByText('embedded', {}, { timeout: 15000 }),
    );
    await userEvent.click(
      (
        await screen.findAllByText('1 pod', {}, { timeout: 15000 })
      )[1],
    );
    expect(
      await screen.findByText(
        'tenant-a-7b589cc7dd-x2x9q',
        {},
        { timeout: 15000 },
      ),
    ).toBeInTheDocument();
    // The backend is asked for the entity, which it reads back from the catalog.
    expect(asked.serviceId).toBe('tenant-a-agent');
    expect(asked.body.entity.metadata.name).toBe('tenant-a-agent');
  }, 30000);
});
