import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { KarsActionOptions } from '../actions/karsClient';

export const SLACK = 'xoxb-1111-2222-SeCrEtSlAcKvAlUe';
export const TELEGRAM = '123456789:AAH-SeCrEtTeLeGrAmVaLuE-0123456789ab';

/** A logger that keeps every line, so tests can scan them. */
export function capturingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    warn: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    info: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    debug: (m, meta) => void lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    child: () => logger,
  };
  return logger;
}

/**
 * A mock action context with a capturing logger; createMockActionContext drops isDryRun and signal,
 * so they are set here.
 */
export function actionContext<I extends Record<string, any>>(options: {
  input: I;
  secrets?: Record<string, string>;
  isDryRun?: boolean;
  signal?: AbortSignal;
  checkpoint?: (opts: { key: string; fn: () => any }) => Promise<any>;
}) {
  const lines: string[] = [];
  const ctx = createMockActionContext({
    input: options.input,
    secrets: options.secrets,
    logger: capturingLogger(lines),
  });
  const full = {
    ...ctx,
    isDryRun: options.isDryRun,
    signal: options.signal,
    ...(options.checkpoint ? { checkpoint: jest.fn(options.checkpoint) } : {}),
  };
  const outputs = () =>
    Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
  return { ctx: full as any, lines, outputs };
}

/**
 * Options for the action factories: the real KarsClient, mock auth, and discovery to `baseUrl`
 * (the test kit's fake kars API on a real HTTP server, or nothing where no call is made).
 */
export function actionOptions(baseUrl = ''): KarsActionOptions {
  return {
    auth: mockServices.auth(),
    discovery: {
      getBaseUrl: async () => baseUrl,
      getExternalBaseUrl: async () => baseUrl,
    },
    pollIntervalMs: 10,
  };
}
