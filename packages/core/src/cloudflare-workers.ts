/**
 * Whether this code runs on Cloudflare Workers, whose runtime says so in `navigator.userAgent`
 * (the local workerd alike, so tests take the production path). Core adapts to two of its
 * rules: Web Crypto refuses PBKDF2 above 100,000 iterations, and a timer belongs to the
 * request that set it, so one request's timer cannot time out another.
 */
export const onCloudflareWorkers = (): boolean => globalThis.navigator?.userAgent === 'Cloudflare-Workers';
