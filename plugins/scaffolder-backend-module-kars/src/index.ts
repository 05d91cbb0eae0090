/**
 * Scaffolder actions for kars sandboxes: create, update, rotate credentials, delete. Every action
 * calls the kars backend on behalf of the task's initiator; credentials come only from task secrets.
 *
 * @packageDocumentation
 */

export { scaffolderModuleKars as default } from './module';
export * from './actions';
