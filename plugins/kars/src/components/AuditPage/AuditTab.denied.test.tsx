import { act, screen, waitFor } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { karsAuditReadPermission } from '@kars-portal/plugin-kars-common';
import { fleet } from '@kars-portal/test-kit';
import { auditQueries, renderFleetTabs } from '../../__testUtils__/audit';
import {
  arrangeTenantA,
  registerFakeKarsApi,
} from '../../__testUtils__/fakeApi';

const { fake } = registerFakeKarsApi(f => {
  arrangeTenantA(f);
  f.addSandboxes(fleet(50));
});

// A file of its own: usePermission caches an answer for every test of a file.
describe('the fleet for a user who may not read the audit trail', () => {
  it('has no Audit tab, and /kars/audit shows them the sandboxes without asking for the trail', async () => {
    const authorize = await renderFleetTabs(
      '/kars/audit',
      AuthorizeResult.DENY,
    );
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({ permission: karsAuditReadPermission }),
      ),
    );
    expect(await screen.findByText('tenant-0000')).toBeInTheDocument();
    await act(() => new Promise(r => setTimeout(r, 50)));
    expect(screen.getByRole('tab', { name: 'Sandboxes' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Audit' })).toBeNull();
    expect(auditQueries(fake)).toHaveLength(0);
  });
});
