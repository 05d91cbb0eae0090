import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { FakeKarsApi } from '@kars-portal/test-kit';
import {
  FakeKarsServer,
  startFakeKarsServer,
} from '@kars-portal/test-kit/http';
import { actionContext, actionOptions } from '../__testUtils__/context';
import { createKarsSandboxDeleteAction } from './deleteSandbox';

describe('kars:sandbox:delete', () => {
  const backend = new FakeKarsApi({ cluster: 'primary' });
  let server: FakeKarsServer;
  beforeAll(async () => {
    server = await startFakeKarsServer(backend);
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    backend.reset();
    backend.addSandbox({ name: 'tenant-a' });
  });
  const action = () =>
    createKarsSandboxDeleteAction(actionOptions(server.baseUrl));

  it('deletes the sandbox on behalf of the user and waits until it is gone', async () => {
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a', waitUntilGone: true },
    });
    await action().handler(ctx);
    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'DELETE /api/kars/sandboxes/tenant-a',
      'GET /api/kars/sandboxes/tenant-a',
    ]);
    expect(backend.requests[0].authorization).toMatch(/^Bearer /);
    expect(outputs()).toEqual({ name: 'tenant-a' });
    expect(lines.join('\n')).toContain('Sandbox tenant-a is gone');
  });

  it('says what would go on dry run and deletes nothing', async () => {
    const { ctx, lines } = actionContext({
      input: { name: 'tenant-a' },
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(backend.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'DELETE /api/kars/sandboxes/tenant-a?dryRun=true',
    ]);
    expect(backend.sandboxes.has('tenant-a')).toBe(true);
    expect(lines.join('\n')).toContain(
      'would delete sandbox tenant-a on cluster primary, with namespace kars-tenant-a and everything in it; nothing was deleted',
    );
  });

  it('says on dry run that a namespace kars portal did not make would stay', async () => {
    backend.foreignNamespaces.add('tenant-a');
    const { ctx, lines } = actionContext({
      input: { name: 'tenant-a' },
      isDryRun: true,
    });
    await action().handler(ctx);
    expect(lines.join('\n')).toContain(
      'would delete sandbox tenant-a on cluster primary; its namespace kars-tenant-a was not made by kars portal for it and would stay',
    );
  });

  it('fails the dry run when the real run would be refused (403), deleting nothing', async () => {
    backend.denied.add('kars.sandbox.delete tenant-a');
    const { ctx, outputs, lines } = actionContext({
      input: { name: 'tenant-a' },
      isDryRun: true,
    });
    const error = await action()
      .handler(ctx)
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toContain('tenant-a');
    expect(outputs()).toEqual({});
    expect(lines.join('\n')).not.toContain('would delete');
    expect(backend.sandboxes.has('tenant-a')).toBe(true);
  });

  it('fails the dry run for an unknown sandbox', async () => {
    const { ctx } = actionContext({ input: { name: 'nope' }, isDryRun: true });
    await expect(action().handler(ctx)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not delete twice when the task is recovered from its checkpoint', async () => {
    const checkpoint = jest.fn(async () => undefined);
    const { ctx } = actionContext({ input: { name: 'tenant-a' }, checkpoint });
    await action().handler(ctx);
    expect(checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({ key: 'kars.sandbox.delete.tenant-a' }),
    );
    expect(backend.requests).toEqual([]);
  });

  it('answers an unknown sandbox with a not-found error', async () => {
    const { ctx } = actionContext({ input: { name: 'nope' } });
    const error = await action()
      .handler(ctx)
      .catch(e => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('Deleting sandbox nope');
  });

  it('stops waiting when the task is aborted', async () => {
    backend.addSandbox({ name: 'tenant-s' });
    const controller = new AbortController();
    // the fake keeps answering the sandbox: re-add it after the DELETE
    const { ctx } = actionContext({
      input: { name: 'tenant-s', waitUntilGone: true, timeoutSeconds: 60 },
      signal: controller.signal,
      checkpoint: async () => undefined,
    });
    const run = action().handler(ctx);
    setTimeout(() => controller.abort(), 100);
    await expect(run).rejects.toThrow(/cancelled/);
    // A read already on the wire when the signal fired may still reach the fake: let it land, then
    // no new read may come in twenty poll intervals.
    await new Promise(r => setTimeout(r, 50));
    const reads = backend.requests.length;
    expect(reads).toBeGreaterThan(0);
    await new Promise(r => setTimeout(r, 200));
    expect(backend.requests.length).toBe(reads);
  });
});
