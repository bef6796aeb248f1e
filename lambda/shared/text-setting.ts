import type { Env } from './env';

/** End User Messaging's limit on `SendTextMessage.MessageBody`. */
const MAX_TEXT_CHARACTERS = 1600;

/**
 * A text the construct set for the bridge to send as an SMS, kept as
 * written. End User Messaging would refuse a blank or overlong one every
 * time it is needed: fail at start-up instead, naming the variable.
 */
export const textMessageSetting = (env: Env, name: string): string => {
  const text = env[name];
  if (text === undefined || text.trim() === '') {
    throw new Error(`Environment variable ${name} is not set`);
  }
  const characters = [...text].length;
  if (characters > MAX_TEXT_CHARACTERS) {
    throw new Error(
      `Environment variable ${name} must be at most ${MAX_TEXT_CHARACTERS} characters, got ${characters}`
    );
  }
  return text;
};
