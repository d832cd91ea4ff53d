/** The app names the workload arbitraries draw from (DNS labels without dashes, so that derived Service names never collide). */
export const APP_NAMES: readonly string[] = ['web', 'api', 'db', 'cache', 'auth', 'cart'];
