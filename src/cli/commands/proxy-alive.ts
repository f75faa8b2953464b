// `hapair proxy-alive` (placeholder until its subsystem lands).
import { HaError } from '../../core/errors.js';

export const usage = 'usage: hapair proxy-alive [options]';

export async function main(_argv: string[]): Promise<number> {
  throw new HaError('EUSAGE', "'proxy-alive' is not implemented yet");
}
