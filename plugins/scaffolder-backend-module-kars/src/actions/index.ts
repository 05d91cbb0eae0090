export { createKarsSandboxCreateAction } from './createSandbox';
export { createKarsSandboxUpdateAction } from './updateSandbox';
export { createKarsCredentialsRotateAction } from './rotateCredentials';
export { createKarsSandboxDeleteAction } from './deleteSandbox';
export type { KarsActionOptions } from './karsClient';
