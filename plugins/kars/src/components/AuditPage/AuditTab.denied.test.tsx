import { act, screen, waitFor } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { registerMswTestHooks } from '@backstage/test-utils';
import { karsAuditReadPermission } from '@kars-portal/plugin-kars-common';
import { server } from '../../__testUtils__/server';
import { recordAuditQueries, renderFleetTabs } from '../../__testUtils__/audit';

registerMswTestHooks(server);

// A file of its own: usePermission caches an answer for every test of a file.
describe('the fleet for a user who may not read the audit trail', () => {
  it('has no Audit tab, and /kars/audit shows them the sandboxes without asking for the trail', async () => {
    const queries = recordAuditQueries();
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
    expect(queries).toHaveLength(0);
  });
});
