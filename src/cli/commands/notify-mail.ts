// `hapair notify-mail` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair notify-mail [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'notify-mail' is not implemented yet");
}
