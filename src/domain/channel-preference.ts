// A debtor's preferred channel (`debtor set --channel`) applied to a stage's channels. Pure.
import type { Channel } from './letter.js';

export type ChannelPreference = 'post' | 'email' | 'both';

/**
 * The channels a letter goes by. Without a usable e-mail address it is always post. `post`:
 * post only. `email`: e-mail only. `both`: e-mail and post. No preference: the stage's channels.
 */
export function letterChannels(stageChannels: readonly Channel[], preference: ChannelPreference | null | undefined, hasEmail: boolean): Channel[] {
  if (!hasEmail) return ['post'];
  if (preference === 'post') return ['post'];
  if (preference === 'email') return ['email'];
  if (preference === 'both') return ['email', 'post'];
  return [...stageChannels];
}
