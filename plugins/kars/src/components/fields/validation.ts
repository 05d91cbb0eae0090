import { ApiHolder } from '@backstage/core-plugin-api';
import {
  EgressEndpoint,
  KarsApi,
  ValidationIssue,
} from '@kars-portal/plugin-kars-common';
import { karsApiRef } from '../../api';

export const ENDPOINTS_FIELD = 'spec.networkPolicy.allowedEndpoints';

/** The messages the backend has for the `name` field. */
export async function nameIssues(
  api: KarsApi,
  name: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const res = await api.validateSandbox({ name }, { signal });
  return res.issues
    .filter(i => i.field === 'name')
    .map(i => `Name ${i.message}`);
}

export type EndpointIssues = { all: string[]; byRow: Map<number, string[]> };

/** The backend's issues with an egress allowlist, by row. */
export async function endpointIssues(
  api: KarsApi,
  endpoints: Array<Partial<EgressEndpoint>>,
  signal?: AbortSignal,
): Promise<EndpointIssues> {
  const res = await api.validateSandbox(
    {
      spec: {
        networkPolicy: { allowedEndpoints: endpoints as EgressEndpoint[] },
      },
    },
    { signal },
  );
  return groupEndpointIssues(res.issues);
}

export function groupEndpointIssues(issues: ValidationIssue[]): EndpointIssues {
  const byRow = new Map<number, string[]>();
  const all: string[] = [];
  for (const i of issues) {
    if (!i.field.startsWith(ENDPOINTS_FIELD)) continue;
    const rest = i.field.slice(ENDPOINTS_FIELD.length + 1).split('.');
    const row = Number(rest[0]);
    const what = rest.slice(1).join('.');
    const message = `${what ? `${what} ` : ''}${i.message}`;
    if (Number.isInteger(row) && rest[0] !== '') {
      byRow.set(row, [...(byRow.get(row) ?? []), message]);
      all.push(`Entry ${row + 1}: ${message}`);
    } else {
      all.push(`Egress allowlist ${message}`);
    }
  }
  return { all, byRow };
}

export function apiFrom(apiHolder: ApiHolder): KarsApi {
  const api = apiHolder.get(karsApiRef);
  if (!api) throw new Error('The kars API is not available in this app');
  return api;
}
