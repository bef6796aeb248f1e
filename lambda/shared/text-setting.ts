import type { Env } from './env';
import { MAX_TEXT_MESSAGE_CHARACTERS } from './settings';

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
  if (characters > MAX_TEXT_MESSAGE_CHARACTERS) {
    throw new Error(
      `Environment variable ${name} must be at most ${MAX_TEXT_MESSAGE_CHARACTERS} characters, got ${characters}`
    );
  }
  return text;
};
