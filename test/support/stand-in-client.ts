/** A real SDK client's settings for a stand-in on 127.0.0.1: fake keys, one attempt. */
export const standInClientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  maxAttempts: 1,
});
