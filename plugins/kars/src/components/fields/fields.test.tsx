import { useState } from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { ValidationIssue } from '@kars-portal/plugin-kars-common';
import { embeddedClusterFixture } from '@kars-portal/test-kit';
import { registerFakeKarsApi } from '../../__testUtils__/fakeApi';
import { karsClient, renderLegacy } from '../../__testUtils__/render';
import { karsApiRef } from '../../api';
import {
  KarsSandboxNameField,
  karsSandboxNameValidation,
} from './KarsSandboxNameField';
import {
  EgressRow,
  KarsEgressAllowlistField,
  karsEgressAllowlistValidation,
} from './KarsEgressAllowlistField';
import { KarsClusterField } from './KarsClusterField';

const { fake, server } = registerFakeKarsApi();

const bodies: any[] = [];

beforeEach(() => {
  bodies.length = 0;
  server.use(
    http.post('*/api/kars/sandboxes/validate', async ({ request }) => {
      const body = (await request.json()) as any;
      bodies.push(body);
      const issues: ValidationIssue[] = [];
      if (body.name === 'system') {
        issues.push({
          field: 'name',
          rule: 'reserved-name',
          message: 'is reserved (system)',
        });
      }
      if (body.name === 'tenant-a') {
        issues.push({
          field: 'name',
          rule: 'name-taken',
          message: 'is taken by an existing sandbox',
        });
      }
      if (body.name && /[A-Z]/.test(body.name)) {
        issues.push({
          field: 'name',
          rule: 'dns-1035-label',
          message: 'must be a DNS-1035 label',
        });
      }
      (body.spec?.networkPolicy?.allowedEndpoints ?? []).forEach(
        (e: any, i: number) => {
          if (e.host === '127.0.0.1') {
            issues.push({
              field: `spec.networkPolicy.allowedEndpoints.${i}.host`,
              rule: 'egress-range-forbidden',
              message: 'is a loopback address; egress to it is meaningless',
            });
          }
        },
      );
      return HttpResponse.json({ valid: issues.length === 0, issues });
    }),
  );
});

const fieldProps = (extra: object) =>
  ({
    schema: { title: 'Sandbox name' },
    uiSchema: {},
    idSchema: { $id: 'root_name' },
    rawErrors: [],
    required: true,
    disabled: false,
    ...extra,
  } as any);

function NameHarness() {
  const [value, setValue] = useState<string | undefined>();
  return (
    <KarsSandboxNameField
      {...fieldProps({ formData: value, onChange: setValue })}
    />
  );
}

function EgressHarness(props: {
  initial?: EgressRow[];
  onValue?: (v: EgressRow[]) => void;
}) {
  const [value, setValue] = useState<EgressRow[] | undefined>(props.initial);
  return (
    <KarsEgressAllowlistField
      {...fieldProps({
        schema: { title: 'Egress allowlist' },
        formData: value,
        onChange: (v: EgressRow[]) => {
          setValue(v);
          props.onValue?.(v);
        },
      })}
    />
  );
}

function ClusterHarness(props: {
  initial?: string;
  onValue: (v: string | undefined) => void;
}) {
  const [value, setValue] = useState<string | undefined>(props.initial);
  return (
    <KarsClusterField
      {...fieldProps({
        schema: { title: 'Cluster' },
        required: false,
        formData: value,
        onChange: (v: string | undefined) => {
          setValue(v);
          props.onValue(v);
        },
      })}
    />
  );
}

function holder() {
  return {
    get: (ref: { id: string }) =>
      ref.id === karsApiRef.id ? karsClient : undefined,
  } as any;
}

describe('KarsSandboxName field', () => {
  it('shows the backend message for a reserved name', async () => {
    await renderLegacy(<NameHarness />);
    await userEvent.type(screen.getByLabelText('Sandbox name'), 'system');
    expect(
      await screen.findByText('Name is reserved (system)'),
    ).toBeInTheDocument();
    expect(bodies[bodies.length - 1]).toEqual({ name: 'system' });
  });

  it('shows a taken name and an accepted one', async () => {
    await renderLegacy(<NameHarness />);
    const input = screen.getByLabelText('Sandbox name');
    await userEvent.type(input, 'tenant-a');
    expect(
      await screen.findByText('Name is taken by an existing sandbox'),
    ).toBeInTheDocument();
    await userEvent.type(input, 'b');
    expect(
      await screen.findByText('tenant-ab is available.'),
    ).toBeInTheDocument();
  });

  it('refuses the form through its validation function', async () => {
    const errors: string[] = [];
    const validation = { addError: (m: string) => errors.push(m) } as any;
    await karsSandboxNameValidation('Bad', validation, { apiHolder: holder() });
    expect(errors).toEqual(['Name must be a DNS-1035 label']);
    errors.length = 0;
    await karsSandboxNameValidation('fine', validation, {
      apiHolder: holder(),
    });
    expect(errors).toEqual([]);
  });
});

describe('KarsEgressAllowlist field', () => {
  it('adds, edits and removes rows, and shows the issues of each', async () => {
    let last: EgressRow[] = [];
    await renderLegacy(<EgressHarness onValue={v => (last = v)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    await userEvent.type(screen.getByLabelText('Host 1'), 'api.github.com');
    await userEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    await userEvent.type(screen.getByLabelText('Host 2'), '127.0.0.1');
    expect(
      await screen.findByText(
        'host is a loopback address; egress to it is meaningless',
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(bodies[bodies.length - 1]).toEqual({
        spec: {
          networkPolicy: {
            allowedEndpoints: [
              { host: 'api.github.com', port: 443 },
              { host: '127.0.0.1', port: 443 },
            ],
          },
        },
      }),
    );
    const port = screen.getByLabelText('Port 1');
    await userEvent.clear(port);
    await userEvent.type(port, '8443');
    expect(last[0]).toEqual({ host: 'api.github.com', port: 8443 });
    await userEvent.click(
      screen.getByRole('button', { name: 'Remove entry 2' }),
    );
    expect(last).toEqual([{ host: 'api.github.com', port: 8443 }]);
    await waitFor(() =>
      expect(
        screen.queryByText(
          'host is a loopback address; egress to it is meaningless',
        ),
      ).not.toBeInTheDocument(),
    );
  });

  it('refuses the form through its validation function', async () => {
    const errors: string[] = [];
    const validation = { addError: (m: string) => errors.push(m) } as any;
    await karsEgressAllowlistValidation(
      [{ host: 'ok.example.com' }, { host: '127.0.0.1', port: 80 }],
      validation,
      { apiHolder: holder() },
    );
    expect(errors).toEqual([
      'Entry 2: host is a loopback address; egress to it is meaningless',
    ]);
  });

  it('shows existing rows', async () => {
    await renderLegacy(
      <EgressHarness initial={[{ host: 'a.example.com', port: 443 }]} />,
    );
    const host = screen.getByLabelText('Host 1');
    expect(host).toHaveValue('a.example.com');
    expect(within(document.body).getByLabelText('Port 1')).toHaveValue(443);
  });
});

describe('KarsCluster field', () => {
  beforeEach(() => {
    const [embedded] = embeddedClusterFixture('dev').clusters;
    fake.clusterInfo = {
      clusters: [
        { ...embedded, default: false },
        {
          ...embedded,
          name: 'primary',
          embedded: false,
          simulated: false,
          production: true,
          default: true,
        },
      ],
    };
  });

  it('lists the clusters from the backend and starts on the default one', async () => {
    const values: (string | undefined)[] = [];
    await renderLegacy(<ClusterHarness onValue={v => values.push(v)} />);
    const select = screen.getByLabelText('Cluster');
    await waitFor(() => expect(select).toHaveValue('primary'));
    expect(values).toEqual(['primary']);
    expect(
      within(select)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['dev (embedded, simulated)', 'primary (default, production)']);
  });

  it('sets the picked cluster', async () => {
    const values: (string | undefined)[] = [];
    await renderLegacy(<ClusterHarness onValue={v => values.push(v)} />);
    const select = screen.getByLabelText('Cluster');
    await waitFor(() => expect(select).toHaveValue('primary'));
    await userEvent.selectOptions(select, 'dev');
    expect(select).toHaveValue('dev');
    expect(values).toEqual(['primary', 'dev']);
  });

  it('keeps a cluster it was given (a pre-filled form) instead of the default', async () => {
    const values: (string | undefined)[] = [];
    await renderLegacy(
      <ClusterHarness initial="dev" onValue={v => values.push(v)} />,
    );
    const select = screen.getByLabelText('Cluster');
    await waitFor(() => expect(select).toBeEnabled());
    expect(select).toHaveValue('dev');
    expect(values).toEqual([]);
  });

  it('says the default cluster is used when the clusters cannot be listed', async () => {
    server.use(
      http.get('*/api/kars/cluster', () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'cluster list down' } },
          { status: 500 },
        ),
      ),
    );
    const values: (string | undefined)[] = [];
    await renderLegacy(<ClusterHarness onValue={v => values.push(v)} />);
    expect(
      await screen.findByText(
        /Could not list the clusters: .*cluster list down/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Cluster')).toBeDisabled();
    expect(values).toEqual([]);
  });
});
