/**
 * For the SDK clients the handlers call per message: a hung call is retried
 * within the invocation rather than holding the batch until the function
 * times out. The SDK only warns on a request timeout unless told to throw.
 */
export const REQUEST_TIMEOUTS = {
  connectionTimeout: 3_000,
  requestTimeout: 6_000,
  throwOnRequestTimeout: true,
};
