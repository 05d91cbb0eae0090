import { createRouteRef } from '@backstage/core-plugin-api';

/** The fleet page. @public */
export const rootRouteRef = createRouteRef({ id: 'kars' });
