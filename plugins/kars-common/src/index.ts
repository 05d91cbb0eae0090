/**
 * Isomorphic domain model of kars portal: the sandbox spec and its validation schemas, credentials,
 * status, the A2A agent card, catalog names, permissions, the REST contract and its typed client.
 *
 * @packageDocumentation
 */

export * from './constants';
export * from './names';
export * from './eachAtMost';
export * from './spec';
export * from './validation';
export * from './contentSafety';
export * from './credentials';
export * from './status';
export * from './inferencePolicy';
export * from './agentCard';
export * from './entities';
export * from './seedTenants';
export * from './permissions';
export * from './jsonSchema';
export * from './crd';
export * from './api/contract';
export * from './api/observations';
export * from './api/responseSchemas';
export * from './api/KarsClient';
