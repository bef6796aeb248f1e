/** A function's environment, as `process.env` gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A variable the construct always sets; blank counts as unset. */
export const requiredEnv = (env: Env, name: string): string => {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
};

/**
 * A variable the construct sets to JSON. The error names the variable but
 * not the value, which may hold phone numbers.
 */
export const jsonEnv = (env: Env, name: string): unknown => {
  const text = requiredEnv(env, name);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Environment variable ${name} is not valid JSON`);
  }
};
